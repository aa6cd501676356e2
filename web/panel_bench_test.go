package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"assist/kb"
)

// BenchmarkPanelRequests is what an agent's panel asks of the server
// besides its socket, on the 2,000-product shop: "list", its conversation
// list (GET /conversations) on a shop with more conversations than the
// list holds, a third of them the caller's, read while the list is shown;
// "check", a draft looked at as the agent types (POST /check, 250 ms after
// the last key); "page", a chat of 40 turns opened (GET
// /conversations/{id}: its turns with the sets sent for them, as the panel
// reads it when the agent switches chats). Each is one request through the
// routes, session cookie and all.
func BenchmarkPanelRequests(b *testing.B) {
	ctx := context.Background()
	bs := newBigServer(b)
	at := time.Now().Add(-time.Hour)
	for i := range 300 {
		t := &kb.StoredTurn{Shop: bs.shop, Conversation: fmt.Sprintf("chat-%04d", i), Role: "buyer",
			Text: "你好,这款收纳盒有没有大一点的尺寸?我想放衣服", Product: fmt.Sprintf("p%d", i%2000), At: at,
			PostedBy: "token:im", BuyerName: fmt.Sprintf("买家%d", i), Suggestions: json.RawMessage(`{"items":[]}`)}
		if i%3 == 0 {
			t.Assignee = "admin"
		}
		if err := bs.store.AddTurn(ctx, t); err != nil {
			b.Fatal(err)
		}
	}
	lines := []string{`{"role":"buyer","text":"你好,这款收纳盒有大号的吗?"}`,
		`{"role":"agent","text":"亲,有的哦,大号的尺寸更大,能放下换季的衣服"}`,
		`{"role":"buyer","text":"能便宜点吗,买两个的话"}`,
		`{"role":"agent","text":"亲,两件装更划算,还包邮的"}`,
		`{"role":"buyer","text":"今天下单什么时候发货?收到的要是压坏了怎么办"}`}
	for i := range 40 {
		bs.do(b, "POST", "/conversations/chat-long/turns", lines[i%len(lines)])
	}
	shop := fmt.Sprintf("/api/v1/shops/%d", bs.shop)
	for _, c := range []struct{ name, method, path, body string }{
		{"list", "GET", shop + "/conversations", ""},
		{"page", "GET", shop + "/conversations/chat-long", ""},
		{"check", "POST", shop + "/check", `{"conversation":"chat-0001","text":"亲,这款收纳盒今天下单明天一定到,放心买"}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			size := 0
			for range b.N {
				req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
				req.Header.Set("Content-Type", "application/json")
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: bs.sid})
				rec := httptest.NewRecorder()
				bs.srv.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "B/answer")
		})
	}
}
