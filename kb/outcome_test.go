package kb

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func paid() Outcome {
	return Outcome{ID: "pay-20261130-001", Conversation: "c-1", Kind: OutcomeOrderPaid,
		At: time.Date(2026, 11, 30, 14, 5, 0, 0, time.FixedZone("CST", 8*3600)), Order: "o-778",
		Amount: 12850, Items: []OrderItem{{Product: "tea-tin", Quantity: 2, Amount: 9900}, {Product: "gift-bag", Quantity: 1}}}
}

func TestOutcomeValidate(t *testing.T) {
	at := paid().At
	for _, tc := range []struct {
		name string
		o    Outcome
		want []string // each must appear in the error; none means valid
	}{
		{name: "order paid", o: paid()},
		{name: "order cancelled", o: Outcome{ID: "x1", Conversation: "c-1", Kind: OutcomeOrderCancelled, At: at, Order: "o-778"}},
		{name: "refund requested", o: Outcome{ID: "r1", Conversation: "c-1", Kind: OutcomeRefundRequested, At: at, Order: "o-778", RefundType: RefundReturn, Amount: 4950}},
		{name: "refund agreed with the amount refunded", o: Outcome{ID: "r1:done", Conversation: "c-1", Kind: OutcomeRefundResolved, At: at, Order: "o-778", Result: ResultAgreed, Amount: 4950}},
		{name: "refund refused", o: Outcome{ID: "r1:done", Conversation: "c-1", Kind: OutcomeRefundResolved, At: at, Order: "o-778", Result: ResultRefused}},
		{name: "dispute opened with a reason", o: Outcome{ID: "d1", Conversation: "c-1", Kind: OutcomeDisputeOpened, At: at, Order: "o-778", Note: "买家称少发一件"}},
		{name: "dispute won", o: Outcome{ID: "d1:ruling", Conversation: "c-1", Kind: OutcomeDisputeResolved, At: at, Order: "o-778", Result: ResultSellerWon}},
		{name: "bad review", o: Outcome{ID: "rv1", Conversation: "c-1", Kind: OutcomeReviewLeft, At: at, Order: "o-778", Rating: RatingBad, Note: "发货太慢"}},

		{name: "nothing at all", o: Outcome{},
			want: []string{"id: 不能为空", "conversation: 不能为空", "at: 缺少时间", "kind: \"\" 不是可用的结果类型"}},
		{name: "unknown kind names the kinds", o: Outcome{ID: "a", Conversation: "c", Kind: "paid", At: at, Order: "o"},
			want: []string{"kind: \"paid\"", "order_paid、order_cancelled"}},
		{name: "id with a space", o: func() Outcome { o := paid(); o.ID = "pay 1"; return o }(),
			want: []string{"id: \"pay 1\" 含有不允许的字符"}},
		{name: "conversation id too long", o: func() Outcome { o := paid(); o.Conversation = strings.Repeat("c", 65); return o }(),
			want: []string{"conversation: 最长 64 个字符,收到 65 个"}},
		{name: "no order", o: func() Outcome { o := paid(); o.Order = ""; return o }(),
			want: []string{"order: 不能为空"}},
		{name: "paid without amount or items", o: func() Outcome { o := paid(); o.Amount = 0; o.Items = nil; return o }(),
			want: []string{"amount: order_paid 必须给出大于 0 的金额", "items: order_paid 至少要有一件商品"}},
		{name: "paid line without product, zero quantity", o: func() Outcome {
			o := paid()
			o.Items = []OrderItem{{Product: "tea-tin", Quantity: 1}, {Quantity: 0, Amount: -1}}
			return o
		}(), want: []string{"items[1].product: 不能为空", "items[1].quantity: 数量应为 1 到 9999 的整数,收到 0", "items[1].amount: 金额不能为负数"}},
		{name: "cancelled with an amount and items", o: Outcome{ID: "x1", Conversation: "c-1", Kind: OutcomeOrderCancelled, At: at, Order: "o-1", Amount: 100, Items: paid().Items},
			want: []string{"amount: order_cancelled 不带金额", "items: 只用于 order_paid"}},
		{name: "refund without type", o: Outcome{ID: "r1", Conversation: "c-1", Kind: OutcomeRefundRequested, At: at, Order: "o-1", Amount: 100},
			want: []string{"refund_type: \"\" 不可用:应为 refund(仅退款)或 return(退货退款)"}},
		{name: "refund refused carries no amount", o: Outcome{ID: "r1", Conversation: "c-1", Kind: OutcomeRefundResolved, At: at, Order: "o-1", Result: ResultRefused, Amount: 100},
			want: []string{"amount: 结果不是 agreed 的 refund_resolved 不带金额"}},
		{name: "refund result from disputes", o: Outcome{ID: "r1", Conversation: "c-1", Kind: OutcomeRefundResolved, At: at, Order: "o-1", Result: ResultSellerWon},
			want: []string{"result: \"seller_won\" 不可用:退款结果应为 agreed"}},
		{name: "dispute result missing", o: Outcome{ID: "d1", Conversation: "c-1", Kind: OutcomeDisputeResolved, At: at, Order: "o-1"},
			want: []string{"result: \"\" 不可用:介入结果应为 seller_won"}},
		{name: "review with five stars", o: Outcome{ID: "rv", Conversation: "c-1", Kind: OutcomeReviewLeft, At: at, Order: "o-1", Rating: "5"},
			want: []string{"rating: \"5\" 不可用:应为 good(好评)、neutral(中评)或 bad(差评)"}},
		{name: "fields of other kinds on a paid order", o: func() Outcome {
			o := paid()
			o.Rating, o.Result, o.RefundType, o.Note = RatingGood, ResultAgreed, RefundOnly, "好"
			return o
		}(), want: []string{"refund_type: 只用于 refund_requested", "result: 只用于 refund_resolved 和 dispute_resolved", "rating: 只用于 review_left", "note: 只用于 review_left"}},
		{name: "review text too long", o: Outcome{ID: "rv", Conversation: "c-1", Kind: OutcomeReviewLeft, At: at, Order: "o-1", Rating: RatingGood, Note: strings.Repeat("好", 501)},
			want: []string{"note: 最多 500 个字符的有效 UTF-8 文本,收到 501 个"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.o.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tc.want)
			}
			if ErrorCode(err) != EInvalid {
				t.Errorf("code %q, want %q", ErrorCode(err), EInvalid)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\n lacks %q", err, w)
				}
			}
		})
	}
}

func TestOutcomeJSON(t *testing.T) {
	body := `{"id":"pay-1","conversation":"c-1","kind":"order_paid","at":"2026-11-30T14:05:00+08:00","order":"o-778",
		"amount":128.5,"items":[{"product":"tea-tin","quantity":2,"amount":"99.00"},{"product":"gift-bag","quantity":1}]}`
	var o Outcome
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if o.Amount != 12850 || o.Items[0].Amount != 9900 || o.Items[1].Amount != 0 {
		t.Errorf("amounts %v %v %v, want 128.50 99.00 0.00", o.Amount, o.Items[0].Amount, o.Items[1].Amount)
	}
	out, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var back Outcome
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if !o.Same(&back) {
		t.Errorf("round trip changed the outcome:\n%s", out)
	}
}

func TestParseYuan(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Money
		err  string
	}{
		{in: "99", want: 9900},
		{in: "99.5", want: 9950},
		{in: "0.01", want: 1},
		{in: "-3.20", want: -320},
		{in: "99.999", err: "最多两位小数"},
		{in: "1e3", err: "不是数字"},
		{in: "99.", err: "不是数字"},
		{in: ".5", err: "不是数字"},
		{in: "¥99", err: "不是数字"},
		{in: "", err: "不是数字"},
		{in: "1234567890123", err: "太大"},
	} {
		got, err := ParseYuan(tc.in)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("ParseYuan(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseYuan(%q) error %v, want one saying %q", tc.in, err, tc.err)
		}
	}
}

func TestOutcomeSame(t *testing.T) {
	a, b := paid(), paid()
	b.At = b.At.UTC() // the same instant written in another zone is the same retry
	if !a.Same(&b) {
		t.Error("a retried post read as different")
	}
	b.Items[0].Quantity = 3
	if a.Same(&b) {
		t.Error("a different basket under the same id read as the same")
	}
}
