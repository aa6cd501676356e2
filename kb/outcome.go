package kb

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// OutcomeKind is what happened after (or during) a conversation, as the chat
// platform reports it. Together with the events, outcomes let the managers'
// review tell which suggestions were followed by an order, a refund, a
// dispute or a bad review.
type OutcomeKind string

const (
	OutcomeOrderPaid       OutcomeKind = "order_paid"       // the buyer paid an order: amount, items
	OutcomeOrderCancelled  OutcomeKind = "order_cancelled"  // an order was closed unpaid or cancelled
	OutcomeRefundRequested OutcomeKind = "refund_requested" // 申请退款/退货: refund_type, amount
	OutcomeRefundResolved  OutcomeKind = "refund_resolved"  // the request ended: result agreed/refused/withdrawn
	OutcomeDisputeOpened   OutcomeKind = "dispute_opened"   // 平台介入: the buyer escalated to the platform
	OutcomeDisputeResolved OutcomeKind = "dispute_resolved" // the platform ruled: result seller_won/buyer_won/withdrawn
	OutcomeReviewLeft      OutcomeKind = "review_left"      // 评价: rating good/neutral/bad
)

// OutcomeKinds lists every kind in the order the API documents them.
var OutcomeKinds = []OutcomeKind{OutcomeOrderPaid, OutcomeOrderCancelled, OutcomeRefundRequested,
	OutcomeRefundResolved, OutcomeDisputeOpened, OutcomeDisputeResolved, OutcomeReviewLeft}

// Valid reports whether k is one of OutcomeKinds.
func (k OutcomeKind) Valid() bool {
	for _, v := range OutcomeKinds {
		if k == v {
			return true
		}
	}
	return false
}

// RefundType is what the buyer asked for.
type RefundType string

const (
	RefundOnly   RefundType = "refund" // 仅退款
	RefundReturn RefundType = "return" // 退货退款
)

// Results of a refund request or a dispute.
const (
	ResultAgreed    = "agreed"     // refund: the shop agreed (or the platform refunded on its behalf)
	ResultRefused   = "refused"    // refund: the shop refused
	ResultWithdrawn = "withdrawn"  // refund or dispute: the buyer withdrew it
	ResultSellerWon = "seller_won" // dispute: ruled for the shop
	ResultBuyerWon  = "buyer_won"  // dispute: ruled for the buyer
)

// Rating is the buyer's review: 好评, 中评, 差评.
type Rating string

const (
	RatingGood    Rating = "good"
	RatingNeutral Rating = "neutral"
	RatingBad     Rating = "bad"
)

// Limits on an outcome's free parts.
const (
	maxOutcomeRef   = 64  // ids: outcome, conversation, order, product
	maxOutcomeItems = 100 // lines of one order
	maxQuantity     = 9999
	maxOutcomeNote  = 500 // runes of a review's text or a dispute's reason
)

// Outcome is one thing the chat platform reports about a conversation. ID is
// the platform's own id for it (a payment, a refund, a review): posting the
// same ID again is a retry, counted once.
type Outcome struct {
	ID           string      `json:"id"`
	Conversation string      `json:"conversation"`
	Kind         OutcomeKind `json:"kind"`
	At           time.Time   `json:"at"`
	Order        string      `json:"order,omitempty"`       // the platform's order id
	Amount       Money       `json:"amount,omitempty"`      // paid, or asked back, or refunded
	Items        []OrderItem `json:"items,omitempty"`       // order_paid only
	RefundType   RefundType  `json:"refund_type,omitempty"` // refund_requested only
	Result       string      `json:"result,omitempty"`      // refund_resolved, dispute_resolved
	Rating       Rating      `json:"rating,omitempty"`      // review_left only
	Note         string      `json:"note,omitempty"`        // a review's text or a dispute's reason
}

// OrderItem is one line of a paid order.
type OrderItem struct {
	Product  string `json:"product"` // the shop's product id, as in its bundle
	Quantity int    `json:"quantity"`
	Amount   Money  `json:"amount,omitempty"` // what this line cost, if the platform says
}

// Validate checks an outcome as the API receives it and names every problem
// with the field it is in, so an integrator can fix the body in one go.
func (o *Outcome) Validate() error {
	var p problems
	p.ref("id", o.ID)
	p.ref("conversation", o.Conversation)
	if o.At.IsZero() {
		p.add("at", "缺少时间:请给出事件发生的时间(RFC 3339,如 2026-11-30T14:05:00+08:00)")
	}
	if !o.Kind.Valid() {
		p.add("kind", fmt.Sprintf("%q 不是可用的结果类型,应为 %s 之一", clipRunes(string(o.Kind)), kindList()))
		return p.err()
	}
	p.ref("order", o.Order) // every outcome the platform reports belongs to an order
	if o.Amount < 0 {
		p.add("amount", "金额不能为负数")
	}

	// What each kind needs, and what it must not carry.
	needAmount := o.Kind == OutcomeOrderPaid || o.Kind == OutcomeRefundRequested
	if needAmount && o.Amount <= 0 {
		p.add("amount", fmt.Sprintf("%s 必须给出大于 0 的金额(单位:元,最多两位小数)", o.Kind))
	}
	if o.Amount != 0 && !needAmount && !(o.Kind == OutcomeRefundResolved && o.Result == ResultAgreed) {
		p.add("amount", fmt.Sprintf("%s 不带金额(只有 order_paid、refund_requested 和同意退款的 refund_resolved 带金额)", describe(o)))
	}
	p.items(o)
	if o.Kind == OutcomeRefundRequested {
		if o.RefundType != RefundOnly && o.RefundType != RefundReturn {
			p.add("refund_type", fmt.Sprintf("%q 不可用:应为 refund(仅退款)或 return(退货退款)", clipRunes(string(o.RefundType))))
		}
	} else if o.RefundType != "" {
		p.add("refund_type", fmt.Sprintf("只用于 refund_requested,%s 不带此字段", o.Kind))
	}
	p.result(o)
	if o.Kind == OutcomeReviewLeft {
		if o.Rating != RatingGood && o.Rating != RatingNeutral && o.Rating != RatingBad {
			p.add("rating", fmt.Sprintf("%q 不可用:应为 good(好评)、neutral(中评)或 bad(差评)", clipRunes(string(o.Rating))))
		}
	} else if o.Rating != "" {
		p.add("rating", fmt.Sprintf("只用于 review_left,%s 不带此字段", o.Kind))
	}
	if o.Note != "" && o.Kind != OutcomeReviewLeft && o.Kind != OutcomeDisputeOpened {
		p.add("note", fmt.Sprintf("只用于 review_left(评价内容)和 dispute_opened(介入原因),%s 不带此字段", o.Kind))
	}
	if n := utf8.RuneCountInString(o.Note); n > maxOutcomeNote || !utf8.ValidString(o.Note) {
		p.add("note", fmt.Sprintf("最多 %d 个字符的有效 UTF-8 文本,收到 %d 个", maxOutcomeNote, n))
	}
	return p.err()
}

func (p *problems) items(o *Outcome) {
	if o.Kind != OutcomeOrderPaid {
		if len(o.Items) > 0 {
			p.add("items", fmt.Sprintf("只用于 order_paid,%s 不带商品明细", o.Kind))
		}
		return
	}
	if len(o.Items) == 0 {
		p.add("items", "order_paid 至少要有一件商品(product 和 quantity)")
	}
	if len(o.Items) > maxOutcomeItems {
		p.add("items", fmt.Sprintf("最多 %d 行商品,收到 %d 行", maxOutcomeItems, len(o.Items)))
		return
	}
	for i, it := range o.Items {
		field := fmt.Sprintf("items[%d]", i)
		p.ref(field+".product", it.Product)
		if it.Quantity < 1 || it.Quantity > maxQuantity {
			p.add(field+".quantity", fmt.Sprintf("数量应为 1 到 %d 的整数,收到 %d", maxQuantity, it.Quantity))
		}
		if it.Amount < 0 {
			p.add(field+".amount", "金额不能为负数")
		}
	}
}

func (p *problems) result(o *Outcome) {
	switch o.Kind {
	case OutcomeRefundResolved:
		if o.Result != ResultAgreed && o.Result != ResultRefused && o.Result != ResultWithdrawn {
			p.add("result", fmt.Sprintf("%q 不可用:退款结果应为 agreed(同意)、refused(拒绝)或 withdrawn(买家撤销)", clipRunes(o.Result)))
		}
	case OutcomeDisputeResolved:
		if o.Result != ResultSellerWon && o.Result != ResultBuyerWon && o.Result != ResultWithdrawn {
			p.add("result", fmt.Sprintf("%q 不可用:介入结果应为 seller_won(判卖家胜)、buyer_won(判买家胜)或 withdrawn(买家撤销)", clipRunes(o.Result)))
		}
	default:
		if o.Result != "" {
			p.add("result", fmt.Sprintf("只用于 refund_resolved 和 dispute_resolved,%s 不带此字段", o.Kind))
		}
	}
}

// Same reports whether p says what o says: a retried post with the same ID is
// accepted once when it is the same, and refused as a conflict when not.
func (o *Outcome) Same(p *Outcome) bool {
	if o.ID != p.ID || o.Conversation != p.Conversation || o.Kind != p.Kind || !o.At.Equal(p.At) ||
		o.Order != p.Order || o.Amount != p.Amount || o.RefundType != p.RefundType ||
		o.Result != p.Result || o.Rating != p.Rating || o.Note != p.Note || len(o.Items) != len(p.Items) {
		return false
	}
	for i := range o.Items {
		if o.Items[i] != p.Items[i] {
			return false
		}
	}
	return true
}

// Money is an amount in fen (分), so sums are exact. In JSON it is yuan with
// at most two decimals, as a number (99.5) or a string ("99.50").
type Money int64

func (m Money) String() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d.%02d", sign, m/100, m%100)
}

// MarshalJSON writes yuan as a number with two decimals.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads yuan; more than two decimals or anything but a decimal
// number is an error that says so.
func (m *Money) UnmarshalJSON(data []byte) error {
	text := string(bytes.TrimSpace(data))
	if text == "null" {
		*m = 0
		return nil
	}
	if len(text) >= 2 && text[0] == '"' && text[len(text)-1] == '"' {
		text = text[1 : len(text)-1]
	}
	v, err := ParseYuan(text)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ParseYuan reads an amount of yuan such as 99, 99.5 or -0.01.
func ParseYuan(text string) (Money, error) {
	bad := func(why string) (Money, error) {
		return 0, Errorf(EInvalid, "金额 %q %s(单位:元,如 99 或 99.50)", clipRunes(text), why)
	}
	s := text
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || (dotted && frac == "") || !digits(whole) || !digits(frac) {
		return bad("不是数字")
	}
	if len(frac) > 2 {
		return bad("最多两位小数")
	}
	if len(whole) > 12 {
		return bad("太大")
	}
	y, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	v := Money(y*100 + f)
	if neg {
		v = -v
	}
	return v, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// problems collects every reason an outcome is refused, each with its field.
type problems []string

func (p *problems) add(field, why string) { *p = append(*p, field+": "+why) }

// ref checks an id: 1 to maxOutcomeRef characters of A-Z a-z 0-9 _ . : -,
// the same alphabet as conversation ids.
func (p *problems) ref(field, v string) {
	if v == "" {
		p.add(field, "不能为空")
		return
	}
	if len(v) > maxOutcomeRef {
		p.add(field, fmt.Sprintf("最长 %d 个字符,收到 %d 个", maxOutcomeRef, len(v)))
		return
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-') {
			p.add(field, fmt.Sprintf("%q 含有不允许的字符,只能用 A-Z a-z 0-9 _ . : -", clipRunes(v)))
			return
		}
	}
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return Errorf(EInvalid, "结果记录不合格:%s", strings.Join(p, ";"))
}

func describe(o *Outcome) string {
	if o.Kind == OutcomeRefundResolved {
		return "结果不是 agreed 的 refund_resolved"
	}
	return string(o.Kind)
}

func kindList() string {
	names := make([]string, len(OutcomeKinds))
	for i, k := range OutcomeKinds {
		names[i] = string(k)
	}
	return strings.Join(names, "、")
}

// clipRunes shortens a value quoted back in an error to 32 runes.
func clipRunes(s string) string {
	if utf8.RuneCountInString(s) <= 32 {
		return s
	}
	return string([]rune(s)[:32]) + "…"
}
