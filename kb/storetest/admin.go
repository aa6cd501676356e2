package storetest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"assist/kb"
)

// AdminStore is the knowledge admin's workspace (web.AdminStore): phrase
// versions, approval, usage, product and rule edits, whole uploads.
type AdminStore interface {
	AdminPhrases(ctx context.Context, shop int64) ([]kb.AdminPhrase, error)
	ChangePhrase(ctx context.Context, shop int64, ch kb.PhraseChange) (kb.PhraseVersion, error)
	PhraseHistory(ctx context.Context, shop int64, id string) ([]kb.PhraseVersion, error)
	PhraseDrafts(ctx context.Context, shop int64) ([]kb.PhraseVersion, error)
	ApprovePhrase(ctx context.Context, shop int64, id string, n int, approver string) (kb.PhraseVersion, error)
	RejectPhrase(ctx context.Context, shop int64, id string, n int, who string) (kb.PhraseVersion, error)
	RequireApproval(ctx context.Context, shop int64) (bool, error)
	SetRequireApproval(ctx context.Context, shop int64, on bool) error
	PhraseUsage(ctx context.Context, shop int64) (map[string]kb.PhraseUsage, error)
	PutProduct(ctx context.Context, shop int64, p kb.Product) error
	PutRule(ctx context.Context, shop int64, r kb.Rule) error
	ReplaceKnowledge(ctx context.Context, shopID int64, shop *kb.Shop, author string) (kb.ShopInfo, error)
}

// adminShop is a shop with one phrase (h1, short code tc) for the
// workspace's tests.
func adminShop() *kb.Shop {
	shop := teaShop("山间茶舍")
	shop.Phrases = []kb.Phrase{{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: "亲,{套餐}更划算", Tags: []string{"优惠"}, Code: "tc"}}
	return shop
}

func openAdmin(t *testing.T, f Factory) (Store, *clock, int64) {
	t.Helper()
	db, clk := open(t, f)
	info, err := db.ImportShop(context.Background(), adminShop())
	must(t, "import", err)
	return db, clk, info.ID
}

// engineSees is phrase id as the engine reads the shop, whether it reads
// it at all, and the shop's version.
func engineSees(t *testing.T, db Store, shop int64, id string) (kb.Phrase, bool, int64) {
	t.Helper()
	s, info, err := db.ShopByID(context.Background(), shop)
	must(t, "read the shop", err)
	p, ok := s.Phrase(id)
	if !ok {
		return kb.Phrase{}, false, info.Version
	}
	return *p, true, info.Version
}

func testPhraseVersions(t *testing.T, f Factory) {
	db, _, shop := openAdmin(t, f)
	ctx := context.Background()
	_, _, v0 := engineSees(t, db, shop, "h1")

	edited := kb.Phrase{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: "亲,选{套餐}更省", Tags: []string{"优惠"}, Code: "tc"}
	v, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseEdit, Phrase: edited, Author: "ann"})
	must(t, "edit", err)
	// The imported state became version 1, the edit version 2.
	if v.N != 2 || v.Status != kb.VersionLive || v.Base != 1 {
		t.Errorf("edit = %+v, want live version 2 over 1", v)
	}
	p, ok, v1 := engineSees(t, db, shop, "h1")
	if !ok || p.Text != edited.Text || v1 <= v0 {
		t.Errorf("engine sees %+v (version %d→%d), want the edit and a new version", p, v0, v1)
	}
	_, err = db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseCreate, Phrase: kb.Phrase{ID: "h2",
		Scene: kb.SceneClosing, Title: "再见", Text: "亲,有事随时找我"}, Author: "ann"})
	must(t, "create", err)
	_, err = db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseCreate, Phrase: edited, Author: "ann"})
	wantCode(t, "creating an existing phrase", err, kb.EConflict)
	_, err = db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseEdit, Phrase: kb.Phrase{ID: "h2",
		Scene: kb.SceneClosing, Title: "再见", Text: "亲,再见", Code: "tc"}, Author: "ann"})
	wantCode(t, "taking a live phrase's short code", err, kb.EConflict)

	v, err = db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRollback, PhraseID: "h1", RollbackTo: 1, Author: "bob"})
	must(t, "rollback", err)
	if v.N != 3 || v.RollbackTo != 1 || v.State.Text != "亲,{套餐}更划算" {
		t.Errorf("rollback = %+v", v)
	}
	if p, _, _ := engineSees(t, db, shop, "h1"); p.Text != "亲,{套餐}更划算" {
		t.Errorf("after rollback the engine sees %q", p.Text)
	}
	hist, err := db.PhraseHistory(ctx, shop, "h1")
	must(t, "history", err)
	var got []string
	for _, h := range hist {
		got = append(got, string(h.Action)+":"+h.Author)
	}
	if want := "import: edit:ann rollback:bob"; strings.Join(got, " ") != want {
		t.Errorf("history = %s, want %s", strings.Join(got, " "), want)
	}
	if hist[1].State.Text != edited.Text || len(hist[1].State.Tags) != 1 || hist[1].State.Code != "tc" {
		t.Errorf("version 2 keeps %+v, want the whole edited phrase", hist[1].State)
	}
	_, err = db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRollback, PhraseID: "h1", RollbackTo: 9, Author: "bob"})
	wantCode(t, "rollback to a missing version", err, kb.ENotFound)
	_, err = db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseEdit, Phrase: kb.Phrase{ID: "nope",
		Scene: kb.SceneClosing, Title: "x", Text: "y"}, Author: "ann"})
	wantCode(t, "editing a missing phrase", err, kb.ENotFound)
	_, err = db.ChangePhrase(ctx, 99, kb.PhraseChange{Action: kb.PhraseEdit, Phrase: edited, Author: "ann"})
	wantCode(t, "editing in a missing shop", err, kb.ENotFound)

	// A phrase no change has touched has one version: its import.
	other := adminShop()
	other.Name = "另一家茶舍"
	fresh, err := db.ImportShop(ctx, other)
	must(t, "import a second shop", err)
	if hist, err := db.PhraseHistory(ctx, fresh.ID, "h1"); err != nil || len(hist) != 1 || hist[0].Action != kb.PhraseImport || hist[0].N != 1 {
		t.Errorf("history of an untouched phrase = %+v, %v; want its import as version 1", hist, err)
	}
	_, err = db.PhraseHistory(ctx, shop, "nope")
	wantCode(t, "history of a missing phrase", err, kb.ENotFound)
}

func testRetiredPhrases(t *testing.T, f Factory) {
	db, _, shop := openAdmin(t, f)
	ctx := context.Background()
	_, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRetire, PhraseID: "h1", Author: "ann"})
	must(t, "retire", err)
	if _, ok, _ := engineSees(t, db, shop, "h1"); ok {
		t.Error("the engine still sees a retired phrase")
	}
	list, err := db.AdminPhrases(ctx, shop)
	if err != nil || len(list) != 1 || !list[0].Retired || list[0].Version != 2 {
		t.Fatalf("admin list = %+v, %v: want h1 retired at version 2", list, err)
	}
	_, err = db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRetire, PhraseID: "h1", Author: "ann"})
	wantCode(t, "retiring twice", err, kb.EConflict)
	// Its short code is free while it is retired, and taken again if restored.
	_, err = db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseCreate, Author: "ann",
		Phrase: kb.Phrase{ID: "h3", Scene: kb.SceneUpsell, Title: "新套餐", Text: "亲,新套餐", Code: "tc"}})
	must(t, "a retired phrase's code reused", err)
	_, err = db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRestore, PhraseID: "h1", Author: "ann"})
	wantCode(t, "restoring into a taken code", err, kb.EConflict)
	// An upload that does not name it keeps it retired.
	up := adminShop()
	up.Phrases = []kb.Phrase{{ID: "h9", Scene: kb.SceneGreeting, Title: "你好", Text: "亲,在的"}}
	before, _ := db.ShopVersion(ctx, shop)
	_, err = db.ReplaceKnowledge(ctx, shop, up, "ann")
	must(t, "upload", err)
	if after, _ := db.ShopVersion(ctx, shop); after <= before {
		t.Errorf("an upload left the version at %d", after)
	}
	list, _ = db.AdminPhrases(ctx, shop)
	if len(list) != 2 || list[0].ID != "h9" || list[1].ID != "h1" || !list[1].Retired {
		t.Errorf("after the upload = %+v, want h9 live and h1 retired", list)
	}
	if hist, _ := db.PhraseHistory(ctx, shop, "h9"); len(hist) != 1 || hist[0].Author != "ann" || hist[0].Action != kb.PhraseImport {
		t.Errorf("h9 history = %+v", hist)
	}
	if s, _, _ := db.ShopByID(ctx, shop); len(s.Phrases) != 1 || s.Phrases[0].ID != "h9" {
		t.Errorf("after the upload the engine reads %+v, want h9 alone", s.Phrases)
	}
	// An upload naming the retired phrase suggests it again; one naming
	// another shop is refused.
	up.Phrases = append(up.Phrases, adminShop().Phrases[0])
	up.Phrases[1].Code = ""
	_, err = db.ReplaceKnowledge(ctx, shop, up, "bob")
	must(t, "upload naming h1", err)
	if _, ok, _ := engineSees(t, db, shop, "h1"); !ok {
		t.Error("an upload naming a retired phrase left it retired")
	}
	_, err = db.ReplaceKnowledge(ctx, shop, teaShop("别家"), "bob")
	wantCode(t, "an upload for another shop", err, kb.EInvalid)
}

func testApproval(t *testing.T, f Factory) {
	db, clk, shop := openAdmin(t, f)
	ctx := context.Background()
	if on, err := db.RequireApproval(ctx, shop); err != nil || on {
		t.Fatalf("a new shop requires approval: %v %v", on, err)
	}
	must(t, "require approval", db.SetRequireApproval(ctx, shop, true))
	if on, err := db.RequireApproval(ctx, shop); err != nil || !on {
		t.Fatalf("approval after turning it on: %v %v", on, err)
	}
	wantCode(t, "approval of a missing shop", db.SetRequireApproval(ctx, 99, true), kb.ENotFound)
	_, _, before := engineSees(t, db, shop, "h1")
	edited := kb.Phrase{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: "亲,{套餐}今天更划算", Code: "tc"}
	draft, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseEdit, Phrase: edited, Author: "ann"})
	must(t, "edit", err)
	if draft.Status != kb.VersionDraft {
		t.Fatalf("status = %s, want draft", draft.Status)
	}
	if p, _, v := engineSees(t, db, shop, "h1"); p.Text == edited.Text || v != before {
		t.Errorf("a draft reached the engine: %q (version %d→%d)", p.Text, before, v)
	}
	if drafts, _ := db.PhraseDrafts(ctx, shop); len(drafts) != 1 || drafts[0].N != draft.N || drafts[0].State.Text != edited.Text {
		t.Errorf("drafts = %+v", drafts)
	}
	if list, _ := db.AdminPhrases(ctx, shop); len(list) != 1 || list[0].Draft != draft.N || list[0].Version != 1 {
		t.Errorf("admin list = %+v, want h1 live at 1 with draft %d", list, draft.N)
	}
	_, err = db.ApprovePhrase(ctx, shop, "h1", draft.N, "ann")
	wantCode(t, "the author approves their own draft", err, kb.EForbidden)
	clk.advance(time.Hour)
	ok, err := db.ApprovePhrase(ctx, shop, "h1", draft.N, "bob")
	must(t, "approve", err)
	if ok.Status != kb.VersionLive || ok.ApprovedBy != "bob" || !ok.ApprovedAt.Equal(clk.now()) {
		t.Errorf("approved = %+v", ok)
	}
	if hist, _ := db.PhraseHistory(ctx, shop, "h1"); len(hist) != 2 || hist[1].ApprovedBy != "bob" || !hist[1].ApprovedAt.Equal(clk.now()) {
		t.Errorf("history after approval = %+v, want version 2 approved by bob now", hist)
	}
	if p, _, v := engineSees(t, db, shop, "h1"); p.Text != edited.Text || v <= before {
		t.Errorf("after approval the engine sees %q (version %d→%d)", p.Text, before, v)
	}
	_, err = db.ApprovePhrase(ctx, shop, "h1", draft.N, "bob")
	wantCode(t, "approving a live version", err, kb.EConflict)
	// Two drafts over the same version: once one is live, the other is stale.
	a, _ := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseRetire, PhraseID: "h1", Author: "ann"})
	b, _ := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseEdit, Phrase: edited, Author: "cat"})
	_, err = db.ApprovePhrase(ctx, shop, "h1", a.N, "bob")
	must(t, "approve the retirement", err)
	_, err = db.ApprovePhrase(ctx, shop, "h1", b.N, "bob")
	wantCode(t, "approving a stale draft", err, kb.EConflict)
	if r, err := db.RejectPhrase(ctx, shop, "h1", b.N, "cat"); err != nil || r.Status != kb.VersionRejected {
		t.Errorf("reject = %+v, %v", r, err)
	}
	if drafts, _ := db.PhraseDrafts(ctx, shop); len(drafts) != 0 {
		t.Errorf("drafts left: %+v", drafts)
	}
	_, err = db.ApprovePhrase(ctx, shop, "h1", 42, "bob")
	wantCode(t, "approving a missing version", err, kb.ENotFound)
}

// The usage counts are exact to the instant whether the sets shown were
// recorded as shows (counted per hour, the hour the window starts in read
// show by show) or as shown events.
func testPhraseUsage(t *testing.T, f Factory) {
	db, clk, _ := openAdmin(t, f)
	ctx := context.Background()
	now := clk.now() // 09:30: each window starts half-way through an hour
	day := 24 * time.Hour
	want := map[string]kb.PhraseUsage{
		"h1": {Shown7: 4, Used7: 1, Shown30: 7, Used30: 1, Dismissed30: 1},
		"h2": {Shown7: 3, Shown30: 4},
	}
	for _, how := range []ShownAs{ShownAsShows, ShownAsEvents, ShownMixed} {
		s := adminShop()
		s.Name += " " + how.String()
		info, err := db.ImportShop(ctx, s)
		must(t, "import", err)
		shop := info.ID
		sets := [][]string{{"phrase:h1", "phrase:h2", "product:p1"}, {"phrase:h1"}}
		for i, members := range sets {
			must(t, "turn", db.AddTurn(ctx, &kb.StoredTurn{Shop: shop, Conversation: "c", Index: i, Role: "buyer", Text: "在吗",
				At: now.Add(-50 * day), PostedBy: "token:qn", Suggestions: fixtureSet("c", i, members...)}))
		}
		for n, p := range []struct {
			turn int
			ago  time.Duration
		}{
			{0, day}, {1, 7*day - time.Second}, {0, 7 * day}, {1, 7*day + time.Second}, {0, 7*day - 40*time.Minute},
			{1, 10 * day}, {0, 30*day - time.Minute}, {1, 30*day + time.Minute}, {0, 40 * day},
		} {
			recordShown(t, db, how, n, shop, "c", p.turn, "li", now.Add(-p.ago))
		}
		ev := func(ago time.Duration, action kb.Action) kb.Event {
			return kb.Event{Shop: shop, Conversation: "c", Agent: "li", SuggestionID: "h1", Kind: kb.SuggestionPhrase,
				Action: action, At: now.Add(-ago)}
		}
		must(t, "add events", db.AddEvents(ctx, ev(day, kb.ActionUsed), ev(10*day, kb.ActionDismissed), ev(40*day, kb.ActionUsed)))
		u, err := db.PhraseUsage(ctx, shop)
		must(t, "usage", err)
		if !reflect.DeepEqual(u, want) {
			t.Errorf("shown as %s: usage = %+v, want %+v", how, u, want)
		}
	}
}

func testPutProductAndRule(t *testing.T, f Factory) {
	db, _, shop := openAdmin(t, f)
	ctx := context.Background()
	_, _, before := engineSees(t, db, shop, "h1")
	s, _, _ := db.ShopByID(ctx, shop)
	p := s.Products[1]
	p.ShipWithinHours = 72
	p.Facts = append(p.Facts, kb.Fact{Name: "发货", Value: "预售"})
	must(t, "put product", db.PutProduct(ctx, shop, p))
	must(t, "put rule", db.PutRule(ctx, shop, kb.Rule{ID: "r2", Title: "破损", Text: "请提供照片", Tags: []string{}}))
	must(t, "add a product", db.PutProduct(ctx, shop, kb.Product{ID: "p-new", Title: "茶盘", Price: 60}))
	s, info, _ := db.ShopByID(ctx, shop)
	if info.Version != before+3 || s.Products[1].ShipWithinHours != 72 || len(s.Products[1].Facts) != 1 ||
		len(s.Products) != 3 || s.Products[2].ID != "p-new" || len(s.Rules) != 2 || s.Rules[1].ID != "r2" {
		t.Errorf("after the edits: version %d→%d, products %+v, rules %+v", before, info.Version, s.Products, s.Rules)
	}
	wantCode(t, "a product in a missing shop", db.PutProduct(ctx, 99, p), kb.ENotFound)
	wantCode(t, "a rule in a missing shop", db.PutRule(ctx, 99, kb.Rule{ID: "r", Title: "t", Text: "x"}), kb.ENotFound)
	wantCode(t, "a product without a title", db.PutProduct(ctx, shop, kb.Product{ID: "x"}), kb.EInvalid)
}

// Admins saving the same phrase at once each get their own version: the
// write transactions take turns, none is lost, no number is used twice.
func testConcurrentEdits(t *testing.T, f Factory) {
	db, _, shop := openAdmin(t, f)
	ctx := context.Background()
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := db.ChangePhrase(ctx, shop, kb.PhraseChange{Action: kb.PhraseEdit, Author: "ann",
				Phrase: kb.Phrase{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: fmt.Sprintf("亲,{套餐}第%d稿", i), Code: "tc"}})
			errs <- err
		}()
	}
	for range n {
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
