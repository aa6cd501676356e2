package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"assist/assistant"
	"assist/kb"
	"assist/kb/index"
	"assist/kb/sqlite"
)

// chargerShop is a phone-accessories shop written for these tests.
func chargerShop() *kb.Shop {
	return &kb.Shop{
		Name: "闪充数码", ShipWithinHours: 48, SameDayCutoff: "16:00", Timezone: "Asia/Shanghai",
		Products: []kb.Product{
			{ID: "gan65", Title: "氮化镓快充充电器 65W", Aliases: []string{"充电器", "快充头"}, Price: 99, ShipWithinHours: 24,
				Facts:     []kb.Fact{{Name: "接口", Value: "双C口+A口"}, {Name: "协议", Value: "PD3.0"}},
				PairsWith: []string{"cable2m"},
				Bundles:   []kb.Bundle{{Title: "充电器+2米编织线套装", Items: []string{"gan65", "cable2m"}, Price: 119}}},
			{ID: "cable2m", Title: "编织快充数据线 2米", Aliases: []string{"数据线"}, Price: 29,
				Facts: []kb.Fact{{Name: "材质", Value: "尼龙编织"}}},
			{ID: "bank20k", Title: "定制刻字充电宝 20000毫安", Aliases: []string{"充电宝"}, Price: 159, ShipWithinHours: 360,
				Facts: []kb.Fact{{Name: "发货", Value: "定制刻字,下单后制作"}}},
		},
		Rules: []kb.Rule{
			{ID: "rule-7day", Title: "七日无理由退货", Source: "《消费者权益保护法》第二十五条",
				Text: "经营者采用网络方式销售商品,消费者有权自收到商品之日起七日内退货,且无需说明理由。", Tags: []string{"退货", "售后"}},
			{ID: "rule-damage", Title: "破损举证", Source: "平台售后规则", Text: "商品破损请买家提供开箱照片或视频。", Tags: []string{"破损", "举证"}},
		},
		Phrases: []kb.Phrase{
			{ID: "ph-bundle", Scene: kb.SceneUpsell, Title: "推荐套装", Text: "亲,单买不如选{套餐},价格更划算哦", Tags: []string{"议价", "便宜", "优惠"}},
			{ID: "ph-ship", Scene: kb.SceneShipping, Title: "发货时效", Text: "亲,这款{发货时效}内发货", Tags: []string{"发货"}},
			{ID: "ph-hello", Scene: kb.SceneGreeting, Title: "欢迎", Text: "您好,欢迎光临{店铺}", Tags: []string{"你好"}},
		},
	}
}

// teaShop is a second shop in the same store, for isolation tests: it must
// see nothing of the charger shop, and the charger shop nothing of it.
func teaShop() *kb.Shop {
	return &kb.Shop{
		Name: "山间茶舍", ShipWithinHours: 48, Timezone: "Asia/Shanghai",
		Products: []kb.Product{{ID: "tea-a", Title: "高山乌龙 250克", Aliases: []string{"乌龙"}, Price: 88}},
		Rules:    []kb.Rule{{ID: "rule-tea", Title: "茶叶售后", Source: "店铺规则", Text: "拆封后不支持无理由退货。", Tags: []string{"售后"}}},
		Phrases: []kb.Phrase{{ID: "ph-tea", Scene: kb.SceneUpsell, Title: "茶具搭配", Text: "亲,乌龙配上茶具更好哦",
			Tags: []string{"议价", "便宜"}}},
	}
}

// Shop ids in every env: the charger shop is 1, the tea shop 2.
const (
	chargerID = 1
	teaID     = 2
)

// env is a real server over a real store and desk, behind httptest, serving
// two shops.
type env struct {
	t     testing.TB
	store *sqlite.DB
	desk  *assistant.Desk
	srv   *Server
	ts    *httptest.Server
	token string // the charger shop's integration
	sess  map[kb.Role]*http.Cookie
}

func newEnv(t testing.TB, tune ...func(*Config)) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	for i, shop := range []*kb.Shop{chargerShop(), teaShop()} {
		if info, err := store.ImportShop(ctx, shop); err != nil || info.ID != int64(i+1) {
			t.Fatalf("import %s: %+v %v", shop.Name, info, err)
		}
	}
	hub := NewHub()
	desk, err := assistant.NewDesk(assistant.DeskConfig{Log: store, Library: store, Publisher: hub,
		Indexer: index.Dirs{Root: filepath.Join(dir, "index")}, AfterCommit: NewUsageRecorder(store, nil).AfterCommit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { desk.Close() })
	cfg := Config{Store: store, Desk: desk, Hub: hub, EventFlush: 20 * time.Millisecond, Now: store.Now}
	for _, f := range tune {
		f(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close(context.Background())
		ts.Close()
	})
	token, _, err := store.CreateToken(ctx, chargerID, "qianniu")
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, store: store, desk: desk, srv: srv, ts: ts, token: token, sess: map[kb.Role]*http.Cookie{}}
}

// login gives a session cookie for a person with the role in the charger
// shop, creating them (named after the role) the first time.
func (e *env) login(role kb.Role) *http.Cookie {
	e.t.Helper()
	if c, ok := e.sess[role]; ok {
		return c
	}
	c := e.person("the-"+string(role), false, map[int64]kb.Role{chargerID: role})
	e.sess[role] = c
	return c
}

// person creates a person with roles in shops and returns their session.
func (e *env) person(name string, owner bool, roles map[int64]kb.Role) *http.Cookie {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.store.CreateUser(ctx, name, "password-"+name, owner)
	if err != nil {
		e.t.Fatal(err)
	}
	for shop, role := range roles {
		if err := e.store.Grant(ctx, u.ID, shop, role); err != nil {
			e.t.Fatal(err)
		}
	}
	id, _, err := e.store.CreateSession(ctx, u, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return &http.Cookie{Name: sessionCookie, Value: id}
}

// shopPath is a charger-shop route.
func shopPath(rest string) string { return "/api/v1/shops/1" + rest }

// auth is how a request authenticates in these tests.
type auth func(*http.Request)

func bearer(token string) auth {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func cookie(c *http.Cookie) auth { return func(r *http.Request) { r.AddCookie(c) } }

func anonymous(*http.Request) {}

// do sends a request and returns the status and the body.
func (e *env) do(method, path string, a auth, body string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	a(req)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return res.StatusCode, b
}

// postTurn posts a turn with the integration's token and decodes the answer.
func (e *env) postTurn(conv, role, text string) *assistant.Suggestions {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"role": role, "text": text})
	status, b := e.do("POST", shopPath("/conversations/"+conv+"/turns"), bearer(e.token), string(body))
	if status != http.StatusOK {
		e.t.Fatalf("post turn: %d %s", status, b)
	}
	var s assistant.Suggestions
	if err := json.Unmarshal(b, &s); err != nil {
		e.t.Fatal(err)
	}
	return &s
}

func (e *env) wsURL(conv string) string {
	return "ws" + strings.TrimPrefix(e.ts.URL, "http") + shopPath("/conversations/"+conv+"/ws")
}

// dial opens a socket with the given headers; it returns the HTTP status
// when the upgrade is refused.
func (e *env) dial(conv string, h http.Header) (*websocket.Conn, int, error) {
	return dialWith(websocket.DefaultDialer, e.wsURL(conv), h)
}

func dialWith(d *websocket.Dialer, url string, h http.Header) (*websocket.Conn, int, error) {
	conn, res, err := d.Dial(url, h)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		return nil, status, err
	}
	return conn, res.StatusCode, nil
}

// panel opens a socket as a logged-in person from the server's own origin.
func (e *env) panel(conv string, role kb.Role) *websocket.Conn {
	e.t.Helper()
	h := http.Header{}
	h.Set("Origin", e.ts.URL)
	h.Set("Cookie", e.login(role).String())
	conn, status, err := e.dial(conv, h)
	if err != nil {
		e.t.Fatalf("dial %s: %d %v", conv, status, err)
	}
	e.t.Cleanup(func() { conn.Close() })
	return conn
}

// frame is any server frame, decoded loosely.
type frame struct {
	Type         string `json:"type"`
	Ref          string `json:"ref"`
	For          string `json:"for"`
	Error        string `json:"error"`
	Reason       string `json:"reason"`
	Conversation string `json:"conversation"`
	Turn         int    `json:"turn"`
	Text         string `json:"text"`
	Nudges       []assistant.Nudge
	Phrases      []assistant.PhraseHit
	Products     []assistant.ProductHit
}

// read reads the next frame within d.
func read(t *testing.T, conn *websocket.Conn, d time.Duration) (frame, error) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(d))
	var f frame
	_, b, err := conn.ReadMessage()
	if err != nil {
		return f, err
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&f); err != nil {
		t.Fatalf("frame %s: %v", b, err)
	}
	return f, nil
}

func mustRead(t *testing.T, conn *websocket.Conn) frame {
	t.Helper()
	f, err := read(t, conn, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func send(t *testing.T, conn *websocket.Conn, v any) {
	t.Helper()
	conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if err := conn.WriteJSON(v); err != nil {
		t.Fatal(err)
	}
}

// smallWindowDialer makes a client whose receive buffer is tiny (set before
// connecting, so the TCP window stays small), so a client that does not
// read backs the server up quickly.
func smallWindowDialer() *websocket.Dialer {
	d := &net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	return &websocket.Dialer{HandshakeTimeout: 5 * time.Second, NetDialContext: d.DialContext}
}

func errorOfBody(t testing.TB, b []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %s: %v", b, err)
	}
	return e
}
