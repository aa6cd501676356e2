package main

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/postgres"
	"assist/kb/sqlite"
	"assist/kb/storetest"
)

// The admin workspace's state moves with assist migrate: each phrase's
// versions (so every change can still be diffed and rolled back on
// PostgreSQL), retired phrases, the shop's approval rule and a draft
// waiting for a second admin.
func TestMigrateCarriesTheWorkspace(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	src, err := sqlite.Open(ctx, filepath.Join(data, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	shop := &kb.Shop{Name: "山间茶舍", ShipWithinHours: 48, Timezone: "Asia/Shanghai",
		Products: []kb.Product{{ID: "tea-a", Title: "高山乌龙 250克", Price: 88}},
		Phrases: []kb.Phrase{
			{ID: "ph-a", Scene: kb.SceneUpsell, Title: "搭配", Text: "亲,乌龙配上茶具更好哦", Code: "dp"},
			{ID: "ph-b", Scene: kb.SceneGreeting, Title: "欢迎", Text: "您好,在的"},
		}}
	info, err := src.ImportShop(ctx, shop)
	if err != nil {
		t.Fatal(err)
	}
	change := func(ch kb.PhraseChange) {
		t.Helper()
		if _, err := src.ChangePhrase(ctx, info.ID, ch); err != nil {
			t.Fatal(err)
		}
	}
	edited := shop.Phrases[0]
	edited.Text = "亲,乌龙配上玻璃杯更好哦"
	change(kb.PhraseChange{Action: kb.PhraseEdit, Phrase: edited, Author: "ann"})
	change(kb.PhraseChange{Action: kb.PhraseRetire, PhraseID: "ph-b", Author: "ann"})
	if err := src.SetRequireApproval(ctx, info.ID, true); err != nil {
		t.Fatal(err)
	}
	edited.Text = "亲,乌龙配上公道杯更好哦"
	change(kb.PhraseChange{Action: kb.PhraseEdit, Phrase: edited, Author: "ann"})
	wantList, _ := src.AdminPhrases(ctx, info.ID)
	wantHist, _ := src.PhraseHistory(ctx, info.ID, "ph-a")
	wantDrafts, _ := src.PhraseDrafts(ctx, info.ID)
	if len(wantHist) != 3 || len(wantDrafts) != 1 || !wantList[1].Retired {
		t.Fatalf("before migrate: history %+v, drafts %+v, list %+v", wantHist, wantDrafts, wantList)
	}
	src.Close()
	for i := range wantHist {
		wantHist[i].At = wantHist[i].At.Truncate(time.Microsecond) // PostgreSQL keeps microseconds
	}

	dsn := storetest.PostgresDSN(t)
	code, stdout, stderr := runAssist(t, "migrate", "-data", data, "-to", dsn)
	if code != 0 || !strings.Contains(stdout, "counts agree") || !strings.Contains(stdout, "phrase_versions") {
		t.Fatalf("migrate: %d\n%s%s", code, stdout, stderr)
	}
	dst, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if got, err := dst.AdminPhrases(ctx, info.ID); err != nil || !reflect.DeepEqual(got, wantList) {
		t.Errorf("the admin's list after migrate: %+v, %v; want %+v", got, err, wantList)
	}
	if got, err := dst.PhraseHistory(ctx, info.ID, "ph-a"); err != nil || !reflect.DeepEqual(got, wantHist) {
		t.Errorf("history after migrate: %+v, %v; want %+v", got, err, wantHist)
	}
	if on, err := dst.RequireApproval(ctx, info.ID); err != nil || !on {
		t.Errorf("the approval rule after migrate: %v %v", on, err)
	}
	if got, _, err := dst.ShopByID(ctx, info.ID); err != nil || len(got.Phrases) != 1 || got.Phrases[0].Text != "亲,乌龙配上玻璃杯更好哦" {
		t.Errorf("the engine's phrases after migrate: %+v, %v; want ph-a's live text alone", got, err)
	}
	// The draft carried over is approved on PostgreSQL by a second admin.
	v, err := dst.ApprovePhrase(ctx, info.ID, "ph-a", wantDrafts[0].N, "bob")
	if err != nil || v.Status != kb.VersionLive {
		t.Fatalf("approving the migrated draft: %+v %v", v, err)
	}
	if got, _, _ := dst.ShopByID(ctx, info.ID); got.Phrases[0].Text != edited.Text {
		t.Errorf("after approval the engine reads %q, want %q", got.Phrases[0].Text, edited.Text)
	}
}
