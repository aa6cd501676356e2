package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"assist/kb"
)

// longConversation stores n turns in conversation conv of the charger
// shop, each with a suggestion set of about 3 KB, as a busy day makes.
func longConversation(t testing.TB, e *env, conv string, n int) {
	t.Helper()
	ctx := context.Background()
	pad := strings.Repeat("亲,这款充电器支持快充,下单后四十八小时内发货。", 40)
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		sugg := fmt.Sprintf(`{"conversation":%q,"turn":%d,"phrases":[{"id":"ph-ship","text":%q}]}`, conv, i, pad)
		err := e.store.AddTurn(ctx, &kb.StoredTurn{Shop: chargerID, Conversation: conv, Index: i, Role: "buyer",
			Text: "第" + strconv.Itoa(i) + "句", At: start.Add(time.Duration(i) * time.Second), PostedBy: "token:qianniu",
			Suggestions: []byte(sugg)})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A long conversation is read a page at a time: the panel's reload gets
// the last 50 turns, and paging back with next reaches turn 0, each turn
// once, in order.
func TestALongConversationIsReadAPageAtATime(t *testing.T) {
	e := newEnv(t)
	const n = 6000
	start := time.Now()
	longConversation(t, e, "long", n)
	t.Logf("stored %d turns in %v", n, time.Since(start).Round(time.Millisecond))
	agent := cookie(e.login(kb.RoleAgent))

	start = time.Now()
	status, body := e.do("GET", shopPath("/conversations/long"), agent, "")
	took := time.Since(start)
	var page turnPage
	if err := json.Unmarshal(body, &page); err != nil || status != 200 {
		t.Fatalf("GET: %d %.200s", status, body)
	}
	t.Logf("the default page: %d turns, %d bytes, %v", len(page.Turns), len(body), took.Round(time.Microsecond))
	if len(page.Turns) != 50 || page.Turns[0].Turn != n-50 || page.Turns[49].Turn != n-1 || !page.HasMore ||
		page.Next == nil || *page.Next != n-50 {
		t.Fatalf("default page: %d turns from %d, has_more %v, next %v; want the last 50, more before %d",
			len(page.Turns), page.Turns[0].Turn, page.HasMore, page.Next, n-50)
	}
	if len(body) > 256<<10 {
		t.Errorf("the default page is %d bytes, want under 256 KiB", len(body))
	}

	seen := make([]bool, n)
	for _, tl := range page.Turns {
		seen[tl.Turn] = true
	}
	pages := 1
	for page.HasMore {
		status, body := e.do("GET", shopPath(fmt.Sprintf("/conversations/long?before=%d&limit=200", *page.Next)), agent, "")
		prev := page.Turns[0].Turn
		page = turnPage{}
		if err := json.Unmarshal(body, &page); err != nil || status != 200 {
			t.Fatalf("page %d: %d %.200s", pages, status, body)
		}
		pages++
		if len(page.Turns) == 0 || page.Turns[len(page.Turns)-1].Turn != prev-1 {
			t.Fatalf("page %d does not end just before turn %d: %d turns", pages, prev, len(page.Turns))
		}
		for i, tl := range page.Turns {
			if seen[tl.Turn] || (i > 0 && tl.Turn != page.Turns[i-1].Turn+1) || tl.Text != "第"+strconv.Itoa(tl.Turn)+"句" {
				t.Fatalf("page %d: turn %d out of order, repeated or wrong (%q)", pages, tl.Turn, tl.Text)
			}
			seen[tl.Turn] = true
		}
		if pages > n/200+2 {
			t.Fatal("paging does not end")
		}
	}
	for i, ok := range seen {
		if !ok {
			t.Fatalf("turn %d never read", i)
		}
	}
	if page.Next != nil || page.Turns[0].Turn != 0 {
		t.Errorf("the last page: next %v, first turn %d; want no next and turn 0", page.Next, page.Turns[0].Turn)
	}
	t.Logf("paged back to turn 0 in %d pages", pages)
}

func TestConversationPagingRefusesBadParameters(t *testing.T) {
	e := newEnv(t)
	longConversation(t, e, "c1", 3)
	agent := cookie(e.login(kb.RoleAgent))
	tests := []struct {
		name, query string
		want        int
		turns       int
	}{
		{name: "the default", query: "", want: 200, turns: 3},
		{name: "a small page", query: "?limit=2", want: 200, turns: 2},
		{name: "before the first turn", query: "?before=0", want: 200, turns: 0},
		{name: "the largest page", query: "?limit=200", want: 200, turns: 3},
		{name: "a page too large", query: "?limit=201", want: 400},
		{name: "an empty page", query: "?limit=0", want: 400},
		{name: "before not a number", query: "?before=abc", want: 400},
		{name: "before negative", query: "?before=-1", want: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("GET", shopPath("/conversations/c1"+tt.query), agent, "")
			if status != tt.want {
				t.Fatalf("%d %s, want %d", status, body, tt.want)
			}
			if status != 200 {
				if reason := errorOfBody(t, body).Reason; !strings.Contains(reason, "want") {
					t.Errorf("reason %q does not say what to send", reason)
				}
				return
			}
			var page turnPage
			json.Unmarshal(body, &page)
			if len(page.Turns) != tt.turns {
				t.Errorf("%d turns, want %d", len(page.Turns), tt.turns)
			}
		})
	}
	if status, _ := e.do("GET", shopPath("/conversations/nobody"), agent, ""); status != 404 {
		t.Errorf("an unknown conversation: %d, want 404", status)
	}
}
