package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"assist/kb"
)

func adminStore(t *testing.T) (*DB, int64) {
	t.Helper()
	db := openTemp(t)
	info, err := db.ImportShop(context.Background(), teaShop())
	if err != nil {
		t.Fatal(err)
	}
	return db, info.ID
}

func engineSees(t *testing.T, db *DB, shop int64, id string) (kb.Phrase, bool, int64) {
	t.Helper()
	s, info, err := db.ShopByID(context.Background(), shop)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := s.Phrase(id)
	if !ok {
		return kb.Phrase{}, false, info.Version
	}
	return *p, true, info.Version
}

func TestPhraseVersionsAndRollback(t *testing.T) {
	db, shop := adminStore(t)
	ctx := context.Background()
	_, _, v0 := engineSees(t, db, shop, "h1")

	edited := kb.Phrase{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: "亲,选{套餐}更省", Tags: []string{"优惠"}, Code: "tc"}
	v, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseEdit, Phrase: edited, Author: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	// The imported state became version 1, the edit version 2.
	if v.N != 2 || v.Status != kb.VersionLive || v.Base != 1 {
		t.Errorf("edit = %+v, want live version 2 over 1", v)
	}
	p, ok, v1 := engineSees(t, db, shop, "h1")
	if !ok || p.Text != edited.Text || v1 <= v0 {
		t.Errorf("engine sees %+v (version %d→%d), want the edit and a new version", p, v0, v1)
	}
	if _, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseCreate, Phrase: kb.Phrase{ID: "h2",
		Scene: kb.SceneClosing, Title: "再见", Text: "亲,有事随时找我"}, Author: "ann"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseCreate, Phrase: edited, Author: "ann"}); kb.ErrorCode(err) != kb.EConflict {
		t.Errorf("creating an existing phrase: %v, want conflict", err)
	}

	v, err = db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRollback, PhraseID: "h1", RollbackTo: 1, Author: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if v.N != 3 || v.RollbackTo != 1 || v.State.Text != "亲,{套餐}更划算" {
		t.Errorf("rollback = %+v", v)
	}
	if p, _, _ := engineSees(t, db, shop, "h1"); p.Text != "亲,{套餐}更划算" {
		t.Errorf("after rollback the engine sees %q", p.Text)
	}
	hist, err := db.PhraseHistory(ctx, shop, "h1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist {
		got = append(got, string(h.Action)+":"+h.Author)
	}
	if want := "[import: edit:ann rollback:bob]"; fmtList(got) != want {
		t.Errorf("history = %s, want %s", fmtList(got), want)
	}
	if _, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRollback, PhraseID: "h1", RollbackTo: 9, Author: "bob"}); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("rollback to a missing version: %v, want not found", err)
	}
}

func fmtList(s []string) string {
	out := "["
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out + "]"
}

func TestRetiredPhraseIsHiddenFromTheEngineAndKept(t *testing.T) {
	db, shop := adminStore(t)
	ctx := context.Background()
	if _, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRetire, PhraseID: "h1", Author: "ann"}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := engineSees(t, db, shop, "h1"); ok {
		t.Error("the engine still sees a retired phrase")
	}
	list, err := db.AdminPhrases(ctx, shop)
	if err != nil || len(list) != 1 || !list[0].Retired || list[0].Version != 2 {
		t.Fatalf("admin list = %+v, %v: want h1 retired at version 2", list, err)
	}
	if _, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRetire, PhraseID: "h1", Author: "ann"}); kb.ErrorCode(err) != kb.EConflict {
		t.Errorf("retiring twice: %v, want conflict", err)
	}
	// Its short code is free while it is retired, and taken again if restored.
	if _, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseCreate, Author: "ann",
		Phrase: kb.Phrase{ID: "h3", Scene: kb.SceneUpsell, Title: "新套餐", Text: "亲,新套餐", Code: "tc"}}); err != nil {
		t.Fatalf("a retired phrase's code reused: %v", err)
	}
	if _, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRestore, PhraseID: "h1", Author: "ann"}); kb.ErrorCode(err) != kb.EConflict {
		t.Errorf("restoring into a taken code: %v, want conflict", err)
	}
	// An upload that does not name it keeps it retired.
	up := teaShop()
	up.Phrases = []kb.Phrase{{ID: "h9", Scene: kb.SceneGreeting, Title: "你好", Text: "亲,在的"}}
	if _, err := db.ReplaceKnowledge(ctx, shop, up, "ann"); err != nil {
		t.Fatal(err)
	}
	list, _ = db.AdminPhrases(ctx, shop)
	if len(list) != 2 || list[0].ID != "h9" || list[1].ID != "h1" || !list[1].Retired {
		t.Errorf("after the upload = %+v, want h9 live and h1 retired", list)
	}
	if hist, _ := db.PhraseHistory(ctx, shop, "h9"); len(hist) != 1 || hist[0].Author != "ann" || hist[0].Action != kb.PhraseImport {
		t.Errorf("h9 history = %+v", hist)
	}
}

func TestApprovalNeedsASecondAdmin(t *testing.T) {
	db, shop := adminStore(t)
	ctx := context.Background()
	if err := db.SetRequireApproval(ctx, shop, true); err != nil {
		t.Fatal(err)
	}
	_, _, before := engineSees(t, db, shop, "h1")
	edited := kb.Phrase{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: "亲,{套餐}今天更划算", Code: "tc"}
	draft, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseEdit, Phrase: edited, Author: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	if draft.Status != kb.VersionDraft {
		t.Fatalf("status = %s, want draft", draft.Status)
	}
	if p, _, v := engineSees(t, db, shop, "h1"); p.Text == edited.Text || v != before {
		t.Errorf("a draft reached the engine: %q (version %d→%d)", p.Text, before, v)
	}
	if drafts, _ := db.PhraseDrafts(ctx, shop); len(drafts) != 1 || drafts[0].N != draft.N {
		t.Errorf("drafts = %+v", drafts)
	}
	if _, err := db.ApprovePhrase(ctx, shop, "h1", draft.N, "ann"); kb.ErrorCode(err) != kb.EForbidden {
		t.Errorf("the author approves their own draft: %v, want forbidden", err)
	}
	db.Now = func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }
	ok, err := db.ApprovePhrase(ctx, shop, "h1", draft.N, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if ok.Status != kb.VersionLive || ok.ApprovedBy != "bob" || !ok.ApprovedAt.Equal(db.Now()) {
		t.Errorf("approved = %+v", ok)
	}
	if p, _, v := engineSees(t, db, shop, "h1"); p.Text != edited.Text || v <= before {
		t.Errorf("after approval the engine sees %q (version %d→%d)", p.Text, before, v)
	}
	// Two drafts over the same version: once one is live, the other is stale.
	a, _ := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRetire, PhraseID: "h1", Author: "ann"})
	b, _ := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseEdit, Phrase: edited, Author: "cat"})
	if _, err := db.ApprovePhrase(ctx, shop, "h1", a.N, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApprovePhrase(ctx, shop, "h1", b.N, "bob"); kb.ErrorCode(err) != kb.EConflict {
		t.Errorf("approving a stale draft: %v, want conflict", err)
	}
	if r, err := db.RejectPhrase(ctx, shop, "h1", b.N, "cat"); err != nil || r.Status != kb.VersionRejected {
		t.Errorf("reject = %+v, %v", r, err)
	}
	if drafts, _ := db.PhraseDrafts(ctx, shop); len(drafts) != 0 {
		t.Errorf("drafts left: %+v", drafts)
	}
}

func TestPhraseUsageCountsTheLastDays(t *testing.T) {
	db, shop := adminStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	ev := func(days int, action kb.Action) kb.Event {
		return kb.Event{Shop: shop, Conversation: "c", Agent: "li", SuggestionID: "h1", Kind: kb.SuggestionPhrase,
			Action: action, At: now.Add(-time.Duration(days) * 24 * time.Hour)}
	}
	if err := db.AddEvents(ctx, ev(1, kb.ActionShown), ev(1, kb.ActionUsed), ev(10, kb.ActionShown),
		ev(10, kb.ActionDismissed), ev(40, kb.ActionShown)); err != nil {
		t.Fatal(err)
	}
	u, err := db.PhraseUsage(ctx, shop)
	if err != nil {
		t.Fatal(err)
	}
	want := kb.PhraseUsage{Shown7: 1, Used7: 1, Shown30: 2, Used30: 1, Dismissed30: 1}
	if u["h1"] != want {
		t.Errorf("usage = %+v, want %+v", u["h1"], want)
	}
}

func TestPutProductAndRuleBumpTheVersion(t *testing.T) {
	db, shop := adminStore(t)
	ctx := context.Background()
	_, _, before := engineSees(t, db, shop, "h1")
	s, _, _ := db.ShopByID(ctx, shop)
	p := s.Products[1]
	p.ShipWithinHours = 72
	p.Facts = append(p.Facts, kb.Fact{Name: "发货", Value: "预售"})
	if err := db.PutProduct(ctx, shop, p); err != nil {
		t.Fatal(err)
	}
	r := kb.Rule{ID: "r2", Title: "破损", Text: "请提供照片", Tags: []string{}}
	if err := db.PutRule(ctx, shop, r); err != nil {
		t.Fatal(err)
	}
	s, info, _ := db.ShopByID(ctx, shop)
	if info.Version != before+2 || s.Products[1].ShipWithinHours != 72 || len(s.Rules) != 2 || s.Rules[1].ID != "r2" {
		t.Errorf("after the edits: version %d→%d, %+v, rules %+v", before, info.Version, s.Products[1], s.Rules)
	}
	if err := db.PutProduct(ctx, 99, p); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("a product in a missing shop: %v", err)
	}
}

// Admins saving the same phrase at once each get their own version: the
// write transactions take turns, none is lost, no number is used twice.
func TestConcurrentEditsEachGetAVersion(t *testing.T) {
	db, shop := adminStore(t)
	ctx := context.Background()
	const n = 8
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			_, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseEdit, Author: "ann",
				Phrase: kb.Phrase{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: fmt.Sprintf("亲,{套餐}第%d稿", i), Code: "tc"}})
			errs <- err
		}(i)
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	hist, err := db.PhraseHistory(ctx, shop, "h1")
	if err != nil || len(hist) != n+1 {
		t.Fatalf("history has %d versions, %v; want the import and %d edits", len(hist), err, n)
	}
	for i, v := range hist {
		if v.N != i+1 {
			t.Errorf("version %d is numbered %d", i+1, v.N)
		}
	}
	if p, _, _ := engineSees(t, db, shop, "h1"); p.Text != hist[n].State.Text {
		t.Errorf("the engine sees %q, the last version says %q", p.Text, hist[n].State.Text)
	}
}
