// Package realsets plays conversations through the real engine over the
// evaluation shops (testdata/shops) and the demo tea shop, so store tests
// and storage measurements write the suggestion sets a live shop writes:
// the same products, rules, phrases and nudges, in the same shapes, with
// fresh buyers and agents. It is test support: only tests import it.
package realsets

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"assist/assistant"
	"assist/kb"
	"assist/kb/bundle"
	"assist/kb/index"
)

// Shop is one shop the mix plays, with the lines its chats are made of.
type Shop struct {
	Shop   *kb.Shop
	engine *assistant.Engine
	chats  [][]line // each a labelled case's turns
}

type line struct {
	role    assistant.Role
	text    string
	product string
}

// Mix plays conversations over a few shops.
type Mix struct {
	Shops  []*Shop
	agents []string
}

// root finds the module root from this file's package directory.
func root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", fmt.Errorf("realsets: no go.mod above the test's directory")
		}
		dir = up
	}
}

// greeting is a phrase many shops keep that names the buyer and the agent:
// with it the mix has sets that differ from buyer to buyer, as live ones do.
var greeting = kb.Phrase{ID: "say-greeting-named", Scene: "greeting", Title: "问候(带称呼)",
	Text: "{买家}您好,我是客服{客服},很高兴为您服务,请问有什么可以帮您?", Tags: []string{"在吗", "你好", "有人吗"}}

// Open loads the shops and builds an engine over each, with its index in
// dir.
func Open(dir string) (*Mix, error) {
	top, err := root()
	if err != nil {
		return nil, err
	}
	m := &Mix{}
	for i := range 50 {
		m.agents = append(m.agents, fmt.Sprintf("客服%02d", i+1))
	}
	for _, name := range []string{"cmd/assist/demo/shop.json", "testdata/shops/phone-accessories/shop.json", "testdata/shops/beauty-skincare/shop.json"} {
		shop, err := bundle.Load(filepath.Join(top, name))
		if err != nil {
			return nil, err
		}
		shop.Phrases = append(shop.Phrases, greeting)
		s := &Shop{Shop: shop}
		cases := filepath.Join(top, filepath.Dir(name), "cases.jsonl")
		if s.chats, err = readChats(cases); err != nil {
			return nil, err
		}
		if len(s.chats) == 0 {
			s.chats = demoChats
		}
		idx, err := index.Build(filepath.Join(dir, fmt.Sprint(len(m.Shops))), shop)
		if err != nil {
			return nil, err
		}
		if s.engine, err = assistant.New(assistant.Config{Shop: shop, Index: idx}); err != nil {
			return nil, err
		}
		m.Shops = append(m.Shops, s)
	}
	return m, nil
}

// Close closes the engines.
func (m *Mix) Close() {
	for _, s := range m.Shops {
		s.engine.Close()
	}
}

func readChats(path string) ([][]line, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][]line
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var c struct {
			Product string `json:"product"`
			Turns   []struct {
				Role string `json:"role"`
				Text string `json:"text"`
			} `json:"turns"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		var chat []line
		for i, t := range c.Turns {
			l := line{role: assistant.Role(t.Role), text: t.Text}
			if i == 0 {
				l.product = c.Product
			}
			chat = append(chat, l)
		}
		out = append(out, chat)
	}
	return out, sc.Err()
}

// demoChats are the tea shop's chats (it has no labelled cases).
var demoChats = [][]line{
	{{assistant.Buyer, "在吗", ""}, {assistant.Agent, "在的亲,有什么可以帮您", ""}, {assistant.Buyer, "这款铁观音能便宜点吗", ""}, {assistant.Agent, "亲,两袋一起拿有优惠哦", ""}},
	{{assistant.Buyer, "龙井用什么杯子泡比较好", ""}, {assistant.Agent, "推荐玻璃杯,看得到茶叶舒展", ""}, {assistant.Buyer, "想买点龙井送人,有礼盒吗", ""}},
	{{assistant.Buyer, "大红袍什么时候能发货", ""}, {assistant.Agent, "今天拍明天就能到", ""}, {assistant.Buyer, "这个预售要等多久", ""}},
	{{assistant.Buyer, "这个盖碗是什么材质的", ""}, {assistant.Buyer, "盖碗烫手吗", ""}, {assistant.Agent, "不烫手的亲,宽口外翻设计", ""}},
	{{assistant.Buyer, "收到的杯子碎了", ""}, {assistant.Agent, "不好意思是我们的问题,给您退款", ""}, {assistant.Buyer, "杯子有裂缝,漏水", ""}, {assistant.Agent, "麻烦拍一下照片我们核实", ""}},
	{{assistant.Buyer, "快递送来就是破的", ""}, {assistant.Agent, "亲,请拍一下外箱和破损处", ""}, {assistant.Buyer, "好的谢谢", ""}},
}

// Turn is one played turn: the row a store keeps.
type Turn = kb.StoredTurn

// Conversation plays conversation number n of shop s (its index in Shops)
// through the engine: a greeting, two to four of the shop's chats, a
// thank-you; a fresh buyer, one of 50 agents, a few seconds between turns
// from start. shopID is the shop's id in the store.
func (m *Mix) Conversation(rnd *rand.Rand, s int, shopID int64, n int, start time.Time) ([]*Turn, error) {
	shop := m.Shops[s]
	conv := assistant.NewConversation(fmt.Sprintf("tb-%d-%07d", s, n))
	buyer := fmt.Sprintf("tb%08x", rnd.Uint32())
	agent := m.agents[rnd.IntN(len(m.agents))]
	lines := []line{{assistant.Buyer, "在吗", ""}}
	for range 2 + rnd.IntN(3) {
		lines = append(lines, shop.chats[rnd.IntN(len(shop.chats))]...)
	}
	lines = append(lines, line{assistant.Buyer, "好的,谢谢", ""})
	at := start
	var out []*Turn
	for i, l := range lines {
		at = at.Add(time.Duration(3+rnd.IntN(40)) * time.Second)
		t := assistant.Turn{Role: l.role, Text: l.text, Product: l.product, At: at}
		if i == 0 {
			t.BuyerName = buyer
		}
		if l.role == assistant.Agent {
			t.Assignee = agent
		}
		sugg, err := shop.engine.Turn(conv, t)
		if err != nil {
			return nil, fmt.Errorf("%s turn %d %q: %w", conv.ID, i, l.text, err)
		}
		data, err := json.Marshal(sugg)
		if err != nil {
			return nil, err
		}
		postedBy := "token:qianniu"
		if l.role == assistant.Agent {
			postedBy = agent
		}
		out = append(out, &Turn{Shop: shopID, Conversation: conv.ID, Index: sugg.Turn, Role: string(l.role), Text: l.text,
			Product: l.product, At: at, PostedBy: postedBy, Suggestions: data, BuyerName: t.BuyerName, Assignee: t.Assignee})
	}
	return out, nil
}

// Workers is how many goroutines a caller may play conversations on.
func Workers() int { return max(2, runtime.GOMAXPROCS(0)) }

// Play plays conversations, round the shops (shop i has id i+1 in the
// store), on Workers goroutines, until about n turns, and hands each
// conversation's turns to write, in order. The first error stops it.
func (m *Mix) Play(n int, write func(turns []*kb.StoredTurn) error) error {
	var next, done atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for w := range Workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(w), 13))
			for done.Load() < int64(n) && failed.Load() == nil {
				c := int(next.Add(1))
				s := c % len(m.Shops)
				at := start.Add(time.Duration(c) * 7 * time.Second)
				turns, err := m.Conversation(rnd, s, int64(s+1), c, at)
				if err == nil {
					err = write(turns)
				}
				if err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
				done.Add(int64(len(turns)))
			}
		}()
	}
	wg.Wait()
	err, _ := failed.Load().(error)
	return err
}
