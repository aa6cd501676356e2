package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// ReviewDemo plays a simulated stretch of a shop's chats into a running
// server, through the same doors real traffic uses: the platform posts
// buyer turns and outcomes with its API token; each agent has the panel's
// WebSocket open, reads the suggestions pushed to it, clicks, types (with
// small edits), dismisses or ignores them, and sends replies as turns. It
// is written for the built-in demo tea shop (cmd/assist/demo/shop.json);
// its lines are the demo's own. The agents differ on purpose, so the
// review has something to tell: one follows the panel, one answers fast but
// cuts prices and over-promises, one is slow and misses chats.
type ReviewDemo struct {
	BaseURL string // http://host:port of the server
	Shop    int64
	Token   string      // an API token secret of the shop, as the platform holds
	Agents  []DemoAgent // at most three are used, in the order of demoProfiles
	// SetClock moves the server's clock to the simulated time (the store's,
	// the Desk's and the web server's Now), so shown and used events carry
	// the day they happen on. Nil leaves the clock alone.
	SetClock func(time.Time)
	Start    time.Time // the first simulated day, local midnight in the shop's zone
	Days     int       // 0: 7
	PerDay   int       // conversations a day; 0: 18
	Seed     uint64
	// Tag starts every conversation id, so a second play adds beside the
	// first instead of colliding with it; "" is "demo".
	Tag string
}

// DemoAgent is an agent's name and a session of theirs (the cookie value).
type DemoAgent struct {
	Name    string
	Session string
}

// DemoStats counts what a play produced.
type DemoStats struct {
	Conversations, Turns, Clicks, Typed, Dismissed, Outcomes int
}

// demoProfile is how one agent behaves.
type demoProfile struct {
	follow   float64 // chance of using the panel's top phrase
	typeIt   float64 // of those uses, the chance of typing it (with an edit) instead of clicking
	slowMin  int     // seconds to reply, from
	slowMax  int     // to
	miss     float64 // chance of never answering a chat
	greet    float64 // chance the first reply greets
	close    float64 // chance of a closing line
	careless float64 // chance of a plain discount, a promise, an absolute word or an early admission
}

var demoProfiles = []demoProfile{
	{follow: 0.75, typeIt: 0.4, slowMin: 8, slowMax: 40, miss: 0.02, greet: 0.95, close: 0.9, careless: 0.05},
	{follow: 0.3, typeIt: 0.3, slowMin: 3, slowMax: 15, miss: 0.03, greet: 0.6, close: 0.4, careless: 0.6},
	{follow: 0.5, typeIt: 0.6, slowMin: 40, slowMax: 400, miss: 0.2, greet: 0.8, close: 0.7, careless: 0.15},
}

// demoScene is one kind of chat: what the buyer says and what a careless
// agent answers instead of the panel's phrase.
type demoScene struct {
	name     string
	product  string
	buyer    []string
	careless []string
	followUp []string // the buyer's second line, if the chat goes on
	// outcome chances: paid after a good answer and after a careless or own one
	paidGood, paidBad float64
	afterSale         bool
}

var demoScenes = []demoScene{
	{name: "bargain", product: "tea-tgy-qingxiang",
		buyer:    []string{"这款铁观音能便宜点吗", "有点贵啊,少点呗", "两袋一起拿能不能优惠", "老客户了,给个折扣吧"},
		careless: []string{"给您便宜10元吧", "那给您打个九折", "行,给您少收15块"},
		followUp: []string{"好的,那我拍了", "嗯我考虑下"}, paidGood: 0.62, paidBad: 0.38},
	{name: "pairing", product: "tea-lj-mingqian",
		buyer:    []string{"龙井用什么杯子泡比较好", "想买点龙井送人,有礼盒吗", "龙井配什么茶具合适"},
		careless: []string{"这是全网最好的龙井,绝对第一", "随便什么杯子都行"},
		followUp: []string{"那一起拍了", "好的谢谢"}, paidGood: 0.55, paidBad: 0.3},
	{name: "shipping", product: "tea-dhp-presale",
		buyer:    []string{"大红袍什么时候能发货", "今天拍明天能到吗", "这个预售要等多久"},
		careless: []string{"今天就给您发出,明天一定到", "放心,保证明天到"},
		followUp: []string{"好吧那我下单", "这么久啊,算了"}, paidGood: 0.5, paidBad: 0.45},
	{name: "material", product: "gaiwan-dehua",
		buyer:    []string{"这个盖碗是什么材质的", "盖碗烫手吗", "这个瓷的能用开水吗"},
		careless: []string{"质量绝对没问题的"},
		followUp: []string{"好的,拍了", "我再看看"}, paidGood: 0.5, paidBad: 0.35},
	{name: "broken", product: "cup-glass-double", afterSale: true,
		buyer:    []string{"收到的杯子碎了", "杯子有裂缝,漏水", "快递送来就是破的"},
		careless: []string{"不好意思是我们的问题,给您退款", "是我们发货没包好,抱歉"},
		followUp: []string{"照片发你了", "那怎么处理"}},
}

// Play runs the simulation and reports what it produced.
func (d *ReviewDemo) Play(ctx context.Context) (DemoStats, error) {
	var st DemoStats
	if len(d.Agents) == 0 || d.Token == "" || d.BaseURL == "" {
		return st, fmt.Errorf("demo: a server, a token and at least one agent are required")
	}
	days, perDay := d.Days, d.PerDay
	if days <= 0 {
		days = 7
	}
	if perDay <= 0 {
		perDay = 18
	}
	rnd := rand.New(rand.NewPCG(d.Seed, 42))
	for day := 0; day < days; day++ {
		for i := 0; i < perDay; i++ {
			// Chats arrive from 09:00 to 23:30, some late enough to be answered after midnight.
			start := d.Start.AddDate(0, 0, day).Add(9*time.Hour + time.Duration(rnd.IntN(14*3600+1800))*time.Second)
			n := rnd.IntN(len(d.Agents) * 10)
			agent, prof := d.Agents[n%len(d.Agents)], demoProfiles[n%len(d.Agents)%len(demoProfiles)]
			tag := d.Tag
			if tag == "" {
				tag = "demo"
			}
			conv := fmt.Sprintf("%s-%s-%02d", tag, start.Format("0102"), i)
			if err := d.chat(ctx, rnd, conv, start, agent, prof, &st); err != nil {
				return st, fmt.Errorf("demo chat %s: %w", conv, err)
			}
			st.Conversations++
		}
	}
	return st, nil
}

// demoChat is one chat in progress.
type demoChat struct {
	d      *ReviewDemo
	conv   string
	now    time.Time
	ws     *websocket.Conn
	pushed map[int]demoSet // suggestion sets pushed to the agent's panel, by turn
	acks   map[string]bool
	turns  int
}

type demoSet struct {
	Turn    int `json:"turn"`
	Phrases []struct {
		ID    string `json:"id"`
		Scene string `json:"scene"`
		Text  string `json:"text"`
	} `json:"phrases"`
	Nudges []struct {
		Kind      string `json:"kind"`
		Category  string `json:"category"`
		Suggested string `json:"suggested"`
	} `json:"nudges"`
}

func (d *ReviewDemo) chat(ctx context.Context, rnd *rand.Rand, conv string, start time.Time, agent DemoAgent, p demoProfile, st *DemoStats) error {
	sc := demoScenes[rnd.IntN(len(demoScenes))]
	c := &demoChat{d: d, conv: conv, now: start, pushed: map[int]demoSet{}, acks: map[string]bool{}}
	if err := c.open(ctx, agent); err != nil {
		return err
	}
	defer c.ws.Close()

	// The buyer asks.
	if err := c.buyer(ctx, pick(rnd, sc.buyer), sc.product); err != nil {
		return err
	}
	if rnd.Float64() < p.miss {
		return nil // never answered
	}
	set, err := c.waitSet(0)
	if err != nil {
		return err
	}
	c.wait(rnd, p)
	careless := rnd.Float64() < p.careless
	good, text := false, ""
	if careless {
		text = pick(rnd, sc.careless)
	} else if ph, ok := bestPhrase(set); ok && rnd.Float64() < p.follow {
		good = true
		if rnd.Float64() < p.typeIt {
			text = edit(rnd, ph.Text) // typed, with a small edit: no click
			st.Typed++
		} else {
			text = ph.Text
			if err := c.feedback(ctx, set.Turn, "phrase", ph.ID, "used"); err != nil {
				return err
			}
			st.Clicks++
		}
		// Following the panel is following its nudges too.
		for _, n := range set.Nudges {
			id := n.Kind
			if n.Category != "" {
				id += ":" + n.Category
			}
			if err := c.feedback(ctx, set.Turn, "nudge", id, "used"); err != nil {
				return err
			}
		}
	} else {
		text = ownLine(sc)
		if len(set.Phrases) > 0 && rnd.Float64() < 0.3 {
			if err := c.feedback(ctx, set.Turn, "phrase", set.Phrases[0].ID, "dismissed"); err != nil {
				return err
			}
			st.Dismissed++
		}
	}
	if rnd.Float64() < p.greet && !strings.HasPrefix(text, "您好") {
		text = "亲,您好~" + text
	}
	if err := c.agent(ctx, text); err != nil {
		return err
	}

	// The buyer goes on, and the agent closes.
	c.now = c.now.Add(time.Duration(20+rnd.IntN(200)) * time.Second)
	if err := c.buyer(ctx, pick(rnd, sc.followUp), ""); err != nil {
		return err
	}
	if rnd.Float64() < p.close {
		c.wait(rnd, p)
		if err := c.agent(ctx, "感谢您的支持,祝您品茶愉快,有问题随时找我~"); err != nil {
			return err
		}
	}
	st.Turns += c.turns
	return c.outcomes(ctx, rnd, sc, good, careless, st)
}

// outcomes posts what happened next, as the platform does; some twice, as
// a platform retrying does.
func (c *demoChat) outcomes(ctx context.Context, rnd *rand.Rand, sc demoScene, good, careless bool, st *DemoStats) error {
	at := c.now.Add(time.Duration(5+rnd.IntN(600)) * time.Second)
	post := func(o map[string]any) error {
		o["conversation"], o["at"] = c.conv, at.Format(time.RFC3339)
		if _, ok := o["order"]; !ok {
			o["order"] = "o-" + c.conv
		}
		times := 1 + rnd.IntN(2)
		for i := 0; i < times; i++ {
			if err := c.d.post(ctx, "/outcomes", o, http.StatusCreated, http.StatusOK); err != nil {
				return err
			}
		}
		st.Outcomes++
		at = at.Add(time.Duration(1+rnd.IntN(48)) * time.Hour)
		return nil
	}
	if sc.afterSale {
		if err := post(map[string]any{"id": "rf-" + c.conv, "kind": "refund_requested", "refund_type": "return", "amount": "59.00"}); err != nil {
			return err
		}
		if careless && rnd.Float64() < 0.5 || !good && rnd.Float64() < 0.25 {
			if err := post(map[string]any{"id": "dp-" + c.conv, "kind": "dispute_opened", "note": "买家申请平台介入"}); err != nil {
				return err
			}
			result := "buyer_won"
			if good && rnd.Float64() < 0.7 {
				result = "seller_won"
			}
			return post(map[string]any{"id": "dr-" + c.conv, "kind": "dispute_resolved", "result": result})
		}
		return post(map[string]any{"id": "rr-" + c.conv, "kind": "refund_resolved", "result": "agreed", "amount": "59.00"})
	}
	chance := sc.paidBad
	if good {
		chance = sc.paidGood
	}
	if rnd.Float64() >= chance {
		return nil
	}
	amount := []string{"198.00", "368.00", "268.00", "68.00", "257.00"}[rnd.IntN(5)]
	if err := post(map[string]any{"id": "pay-" + c.conv, "kind": "order_paid", "amount": amount,
		"items": []map[string]any{{"product": sc.product, "quantity": 1}}}); err != nil {
		return err
	}
	if rnd.Float64() < 0.5 {
		rating := "good"
		if careless && rnd.Float64() < 0.4 {
			rating = "bad"
		}
		return post(map[string]any{"id": "rv-" + c.conv, "kind": "review_left", "rating": rating})
	}
	return nil
}

func (c *demoChat) open(ctx context.Context, agent DemoAgent) error {
	u, err := url.Parse(c.d.BaseURL)
	if err != nil {
		return err
	}
	origin := u.Scheme + "://" + u.Host
	u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
	u.Path = fmt.Sprintf("/api/v1/shops/%d/conversations/%s/ws", c.d.Shop, c.conv)
	h := http.Header{"Origin": {origin}, "Cookie": {sessionCookie + "=" + agent.Session}}
	ws, res, err := websocket.DefaultDialer.DialContext(ctx, u.String(), h)
	if err != nil {
		if res != nil {
			return fmt.Errorf("open the panel of %s: %s", agent.Name, res.Status)
		}
		return err
	}
	c.ws = ws
	return nil
}

func (c *demoChat) setClock() {
	if c.d.SetClock != nil {
		c.d.SetClock(c.now)
	}
}

func (c *demoChat) wait(rnd *rand.Rand, p demoProfile) {
	c.now = c.now.Add(time.Duration(p.slowMin+rnd.IntN(p.slowMax-p.slowMin+1)) * time.Second)
}

// buyer posts a buyer turn as the platform does.
func (c *demoChat) buyer(ctx context.Context, text, product string) error {
	c.setClock()
	body := map[string]any{"role": "buyer", "text": text, "at": c.now.Format(time.RFC3339)}
	if product != "" {
		body["product"] = product
	}
	c.turns++
	return c.d.post(ctx, "/conversations/"+c.conv+"/turns", body, http.StatusOK)
}

// agent sends a reply from the panel's socket, as the agent.
func (c *demoChat) agent(ctx context.Context, text string) error {
	c.setClock()
	ref := "t" + strconv.Itoa(c.turns)
	c.turns++
	return c.send(ref, map[string]any{"type": "turn", "ref": ref, "role": "agent", "text": text, "at": c.now.Format(time.RFC3339)})
}

func (c *demoChat) feedback(ctx context.Context, turn int, kind, id, action string) error {
	c.now = c.now.Add(2 * time.Second)
	c.setClock()
	ref := "f" + strconv.Itoa(c.turns) + action
	return c.send(ref, map[string]any{"type": "feedback", "ref": ref, "turn": turn, "kind": kind, "suggestion_id": id, "action": action})
}

// send writes a frame and reads until the server acknowledges it.
func (c *demoChat) send(ref string, frame map[string]any) error {
	if err := c.ws.WriteJSON(frame); err != nil {
		return err
	}
	for !c.acks[ref] {
		if err := c.read(); err != nil {
			return err
		}
	}
	return nil
}

// waitSet reads until the suggestion set of turn is pushed.
func (c *demoChat) waitSet(turn int) (demoSet, error) {
	for {
		if s, ok := c.pushed[turn]; ok {
			return s, nil
		}
		if err := c.read(); err != nil {
			return demoSet{}, err
		}
	}
}

func (c *demoChat) read() error {
	c.ws.SetReadDeadline(time.Now().Add(30 * time.Second)) // a loaded machine may be indexing the shop
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		return err
	}
	var head struct {
		Type   string `json:"type"`
		Ref    string `json:"ref"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return err
	}
	switch head.Type {
	case "suggestions":
		var s demoSet
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		c.pushed[s.Turn] = s
	case "ack":
		c.acks[head.Ref] = true
	case "error":
		return fmt.Errorf("server refused frame %s: %s", head.Ref, head.Reason)
	}
	return nil
}

// post calls a shop route with the platform's token.
func (d *ReviewDemo) post(ctx context.Context, path string, body any, ok ...int) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/api/v1/shops/%d%s", d.BaseURL, d.Shop, path), bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+d.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(res.Body)
	for _, s := range ok {
		if res.StatusCode == s {
			return nil
		}
	}
	return fmt.Errorf("POST %s: %s: %s", path, res.Status, msg)
}

// bestPhrase is the phrase an agent following the panel takes: the first
// one with no blank left to fill.
func bestPhrase(set demoSet) (struct {
	ID    string `json:"id"`
	Scene string `json:"scene"`
	Text  string `json:"text"`
}, bool) {
	for _, p := range set.Phrases {
		if !strings.Contains(p.Text, "{") {
			return p, true
		}
	}
	var zero struct {
		ID    string `json:"id"`
		Scene string `json:"scene"`
		Text  string `json:"text"`
	}
	return zero, false
}

// edit changes a phrase a little, as an agent typing it does.
func edit(rnd *rand.Rand, text string) string {
	text = strings.TrimRight(text, "~!!。")
	switch rnd.IntN(3) {
	case 0:
		return "亲," + text
	case 1:
		return text + ",有需要随时叫我"
	}
	return strings.Replace(text, "您", "你", 1)
}

func ownLine(sc demoScene) string {
	switch sc.name {
	case "bargain":
		return "已经是活动价了哦,质量您放心"
	case "shipping":
		return "按页面上的时间发货的"
	case "broken":
		return "麻烦您稍等,我看一下"
	}
	return "好的,我看一下"
}

func pick(rnd *rand.Rand, list []string) string { return list[rnd.IntN(len(list))] }
