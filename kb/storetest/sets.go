package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"assist/kb"
)

// playedSet is a suggestion set shaped as the assistant sends one: the
// store keeps repeating parts once, and must give back the very bytes.
func playedSet(conv string, idx int, role, text string, at time.Time, product string, score float64, buyer string) json.RawMessage {
	set := map[string]any{} // (key order is encoding/json's: sorted)
	set["conversation"], set["turn"], set["role"], set["text"], set["at"] = conv, idx, role, text, at
	set["product"] = product
	set["nudges"] = []any{}
	if idx%3 == 1 {
		set["nudges"] = []any{map[string]any{"kind": "evidence", "reason": "买家反馈破损:“碎了”", "triggers": []string{"碎了"},
			"rule": map[string]any{"id": "law-unboxing", "title": "签收验货 <当面> & 拍照", "source": "《快递暂行条例》第二十五条"}}}
	}
	set["products"] = []any{
		map[string]any{"id": product, "title": "白茶饼 357克", "price": 168, "facts": []any{map[string]string{"name": "产地", "value": "福鼎"}}, "in_view": true, "score": 1},
		map[string]any{"id": "p-cup", "title": "玻璃杯\u2028双层", "price": 59.9, "score": score},
	}
	set["rules"] = []any{map[string]any{"id": "law-7day", "text": "七天无理由退货", "score": score * 2}}
	set["phrases"] = []any{map[string]any{"id": "say-hello", "text": buyer + "您好,我是客服小李", "score": 1e-7 * float64(idx+1)}}
	b, err := json.Marshal(set)
	if err != nil {
		panic(err)
	}
	return b
}

// testSetsRoundTrip writes many sets that share their parts, from several
// writers at once (two of them adding the same new parts together), and
// reads every one back exactly, with times to the microsecond and beyond.
func testSetsRoundTrip(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	phone, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import", err)
	zones := []*time.Location{time.FixedZone("CST", 8*3600), time.UTC, time.FixedZone("", -(3*3600 + 30*60))}
	const writers, convs, turns = 4, 6, 5
	want := map[string][]*kb.StoredTurn{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range convs {
				shop := tea.ID
				if c%3 == 2 {
					shop = phone.ID
				}
				conv := fmt.Sprintf("w%d-c%d", w, c)
				for i := range turns {
					role := []string{"buyer", "agent"}[i%2]
					text := fmt.Sprintf("第%d句 <b>&\"引号\"", i)
					// Nanoseconds: a store that keeps microseconds must still
					// give back the set's time as it was sent.
					at := clk.now().Add(time.Duration(w*1000+c*10+i)*time.Second + 123456789).In(zones[(c+i)%3])
					st := &kb.StoredTurn{Shop: shop, Conversation: conv, Index: i, Role: role, Text: text, At: at, PostedBy: "xiaoli",
						Suggestions: playedSet(conv, i, role, text, at, "p-white", float64(w*convs+c)/7, fmt.Sprintf("买家%d", c))}
					if err := db.AddTurn(ctx, st); err != nil {
						errs <- fmt.Errorf("add %s/%d: %w", conv, i, err)
						return
					}
					mu.Lock()
					want[conv] = append(want[conv], st)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// A set the store cannot cut (not an object) is kept whole.
	odd := &kb.StoredTurn{Shop: tea.ID, Conversation: "odd", Index: 0, Role: "buyer", Text: "x", At: clk.now(), Suggestions: json.RawMessage(`["a",1]`)}
	must(t, "add a set that is a list", db.AddTurn(ctx, odd))
	want["odd"] = []*kb.StoredTurn{odd}
	for conv, turns := range want {
		got, err := db.Turns(ctx, turns[0].Shop, conv)
		must(t, "read "+conv, err)
		if len(got) != len(turns) {
			t.Fatalf("%s: %d turns, want %d", conv, len(got), len(turns))
		}
		for i := range turns {
			sameSet(t, got[i], turns[i])
		}
		page, _, err := db.TurnPage(ctx, turns[0].Shop, conv, len(turns)-1, 2)
		must(t, "page "+conv, err)
		for _, p := range page {
			sameSet(t, p, turns[p.Index])
		}
	}
}

// sameSet checks a turn read back: its set to the byte, its time to the
// microsecond (what PostgreSQL keeps).
func sameSet(t *testing.T, got kb.StoredTurn, want *kb.StoredTurn) {
	t.Helper()
	if got.Index != want.Index || got.Text != want.Text || got.At.Sub(want.At).Abs() >= time.Microsecond {
		t.Errorf("%s/%d read back at %v %q, want %v %q", want.Conversation, want.Index, got.At, got.Text, want.At, want.Text)
	}
	if string(got.Suggestions) != string(want.Suggestions) {
		t.Errorf("%s/%d set read back\n%s\nwant exactly\n%s", want.Conversation, want.Index, got.Suggestions, want.Suggestions)
	}
}
