package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"assist/assistant"
	"assist/kb"
	"assist/kb/index"
	"assist/kb/sqlite"
)

// bigShop is a synthetic shop of the size the phrase-edit target names:
// 2,000 products and 1,000 phrases.
func bigShop() *kb.Shop {
	goods := []string{"收纳盒", "保温杯", "毛巾", "拖鞋", "雨伞", "台灯", "抱枕", "餐垫"}
	shop := &kb.Shop{Name: "大店", ShipWithinHours: 48, SameDayCutoff: "16:00", Timezone: "Asia/Shanghai"}
	for i := 0; i < 2000; i++ {
		g := goods[i%len(goods)]
		p := kb.Product{ID: fmt.Sprintf("p%d", i), Title: fmt.Sprintf("%s 型号%d", g, i), Price: float64(10 + i%90),
			Facts: []kb.Fact{{Name: "材质", Value: fmt.Sprintf("材质%d", i%13)}, {Name: "尺寸", Value: fmt.Sprintf("%d厘米", 10+i%40)}}}
		if i > 0 {
			p.PairsWith = []string{fmt.Sprintf("p%d", i-1)}
			p.Bundles = []kb.Bundle{{Title: g + "两件装", Items: []string{p.ID, fmt.Sprintf("p%d", i-1)}, Price: float64(20 + i%90)}}
		}
		shop.Products = append(shop.Products, p)
	}
	shop.Rules = []kb.Rule{{ID: "r1", Title: "破损处理", Source: "店铺规则", Text: "收到破损请拍照联系客服。", Tags: []string{"破损"}}}
	for i := 0; i < 1000; i++ {
		sc := kb.Scenes[i%len(kb.Scenes)]
		shop.Phrases = append(shop.Phrases, kb.Phrase{ID: fmt.Sprintf("h%d", i), Scene: sc, Title: fmt.Sprintf("话术%d", i),
			Text: fmt.Sprintf("亲,这款{商品}是{材质}的,%s很实用哦%d", goods[i%len(goods)], i), Tags: []string{"材质"}})
	}
	return shop
}

// BenchmarkPhraseEditLive is an admin's phrase edit on a shop of 2,000
// products and 1,000 phrases, from the PUT to the shop's engine holding
// the new phrase (the Desk reloads the shop inside the request), so the
// shop's next turn sees it without waiting. It reports the store's part and
// the reload's part beside the whole.
type bigServer struct {
	store *sqlite.DB
	desk  *assistant.Desk
	srv   *Server
	shop  int64
	sid   string
}

func newBigServer(b *testing.B) *bigServer {
	ctx := context.Background()
	dir := b.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "assist.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	info, err := store.ImportShop(ctx, bigShop())
	if err != nil {
		b.Fatal(err)
	}
	hub := NewHub()
	desk, err := assistant.NewDesk(assistant.DeskConfig{Log: store, Library: store, Publisher: hub,
		Indexer: index.Dirs{Root: filepath.Join(dir, "index")}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { desk.Close() })
	srv, err := New(Config{Store: store, Desk: desk, Hub: hub, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close(ctx) })
	u, _ := store.CreateUser(ctx, "admin", "password-admin", false)
	store.Grant(ctx, u.ID, info.ID, kb.RoleAdmin)
	sid, _, _ := store.CreateSession(ctx, u, time.Hour)
	if _, err := desk.Knowledge(ctx, info.ID); err != nil { // the shop is loaded, as in a running server
		b.Fatal(err)
	}
	return &bigServer{store, desk, srv, info.ID, sid}
}

func (bs *bigServer) do(b *testing.B, method, path, body string) {
	req := httptest.NewRequest(method, fmt.Sprintf("/api/v1/shops/%d", bs.shop)+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: bs.sid})
	rec := httptest.NewRecorder()
	bs.srv.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
}

func BenchmarkPhraseEditLive(b *testing.B) {
	ctx := context.Background()
	bs := newBigServer(b)
	store, desk, info := bs.store, bs.desk, kb.ShopInfo{ID: bs.shop}
	var storeTime, reloadTime time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		text := fmt.Sprintf("亲,这款{商品}是{材质}的,改过%d次", i)
		body := `{"scene":"product","title":"话术7","text":"` + text + `","tags":["材质"]}`
		bs.do(b, "PUT", "/admin/phrases/h7", body)
		k, _ := desk.Knowledge(ctx, info.ID)
		if p, _ := k.Phrase("h7"); p.Text != text {
			b.Fatalf("the engine has %q after the edit", p.Text)
		}
		// The parts, measured on their own: the store's write, then the reload.
		b.StopTimer()
		t0 := time.Now()
		if _, err := store.ChangePhrase(ctx, info.ID, kb.PhraseChange{Action: kb.PhraseEdit, Author: "admin",
			Phrase: kb.Phrase{ID: "h7", Scene: kb.SceneProduct, Title: "话术7", Text: text + "。", Tags: []string{"材质"}}}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := desk.Knowledge(ctx, info.ID); err != nil {
			b.Fatal(err)
		}
		storeTime += t1.Sub(t0)
		reloadTime += time.Since(t1)
		b.StartTimer()
	}
	b.ReportMetric(float64(storeTime.Microseconds())/1000/float64(b.N), "store-ms/op")
	b.ReportMetric(float64(reloadTime.Microseconds())/1000/float64(b.N), "reload-ms/op")
}

// BenchmarkAdminReadsBigShop is what the workspace asks while the admin
// types and browses, on the same shop: the validate route (duplicates
// among 1,000 phrases, the promise check for each of 2,000 products) and
// the phrase list with usage and fill flags.
func BenchmarkAdminReadsBigShop(b *testing.B) {
	bs := newBigServer(b)
	b.Run("validate", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			bs.do(b, "POST", "/admin/phrases/validate", `{"scene":"shipping","title":"快发","text":"亲,{商品}今天一定给您发出,{材质}的很结实"}`)
		}
	})
	b.Run("list", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			bs.do(b, "GET", "/admin/phrases?q=材质", "")
		}
	})
}
