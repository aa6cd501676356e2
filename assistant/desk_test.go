package assistant_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"assist/assistant"
	"assist/kb"
	"assist/kb/index"
	"assist/kb/sqlite"
)

// The Desk is tested over the real store: it is what keeps the panel, the
// log and the engine's memory in agreement, so the log must be the real one.

// deskShop is a small phone-accessories shop of our own.
func deskShop(name string) *kb.Shop {
	return &kb.Shop{
		Name: name, ShipWithinHours: 48, Timezone: "Asia/Shanghai",
		Products: []kb.Product{
			{ID: "cable", Title: "编织数据线 1米", Aliases: []string{"数据线"}, Price: 19,
				PairsWith: []string{"plug"}, Bundles: []kb.Bundle{{Title: "数据线+充电头套装", Items: []string{"cable", "plug"}, Price: 49}}},
			{ID: "plug", Title: "20W 充电头", Aliases: []string{"充电头"}, Price: 39},
		},
		Rules: []kb.Rule{{ID: "r-damage", Title: "破损举证", Source: "店铺规则", Text: "请买家提供开箱照片。", Tags: []string{"破损"}}},
		Phrases: []kb.Phrase{
			{ID: "p-bundle", Scene: kb.SceneUpsell, Title: "推荐套装", Text: "亲,选{套餐}更划算哦", Tags: []string{"便宜", "优惠"}},
			{ID: "p-photo", Scene: kb.SceneEvidence, Title: "请拍照", Text: "亲,麻烦拍一下破损处的照片", Tags: []string{"破损", "照片"}},
		},
	}
}

// recorder is a Publisher that remembers what it was given, in order.
type recorder struct {
	mu        sync.Mutex
	pushed    []pushed
	retracted []pushed // data empty
}

type pushed struct {
	shop int64
	conv string
	turn int
	data string
}

func (r *recorder) Publish(shop int64, conv string, s *assistant.Suggestions, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pushed = append(r.pushed, pushed{shop, conv, s.Turn, string(data)})
}

func (r *recorder) Retract(shop int64, conv string, turn int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retracted = append(r.retracted, pushed{shop: shop, conv: conv, turn: turn})
}

func (r *recorder) takenBack() []pushed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]pushed(nil), r.retracted...)
}

func (r *recorder) all() []pushed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]pushed(nil), r.pushed...)
}

type fixture struct {
	db    *sqlite.DB
	desk  *assistant.Desk
	pub   *recorder
	shops []kb.ShopInfo
	now   time.Time
	mu    sync.Mutex
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func newFixture(t testing.TB, tune func(*assistant.DeskConfig), names ...string) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, pub: &recorder{}, now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))}
	for _, n := range names {
		info, err := db.ImportShop(ctx, deskShop(n))
		if err != nil {
			t.Fatal(err)
		}
		f.shops = append(f.shops, info)
	}
	cfg := assistant.DeskConfig{Log: db, Library: db, Publisher: f.pub, Now: f.clock,
		Indexer: index.Dirs{Root: filepath.Join(dir, "index")}}
	if tune != nil {
		tune(&cfg)
	}
	if f.desk, err = assistant.NewDesk(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.desk.Close() })
	return f
}

func (f *fixture) turn(t testing.TB, shop int64, conv string, role assistant.Role, text string) *assistant.Suggestions {
	t.Helper()
	s, _, err := f.desk.Turn(context.Background(), shop, conv, assistant.Turn{Role: role, Text: text}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Turns of one conversation posted at once are numbered without gaps,
// stored in that order and published in that order, exactly as stored.
func TestDeskKeepsTurnOrder(t *testing.T) {
	f := newFixture(t, nil, "一号店")
	shop := f.shops[0].ID
	const n = 24
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := f.desk.Turn(context.Background(), shop, "c1", assistant.Turn{Role: assistant.Buyer, Text: "数据线能便宜点吗"}, "test"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	stored, err := f.db.Turns(context.Background(), shop, "c1")
	if err != nil || len(stored) != n {
		t.Fatalf("stored %d turns, %v; want %d", len(stored), err, n)
	}
	pushes := f.pub.all()
	if len(pushes) != n {
		t.Fatalf("published %d, want %d", len(pushes), n)
	}
	for i, p := range pushes {
		if p.turn != i || stored[i].Index != i || p.data != string(stored[i].Suggestions) {
			t.Fatalf("push %d is turn %d (stored %d): pushes must follow turn order and match the log", i, p.turn, stored[i].Index)
		}
	}
}

// A conversation forgotten while idle is replayed from the log: the product
// in view and the numbering carry on as if it had never left memory.
func TestDeskForgetsIdleConversationsAndReplaysThem(t *testing.T) {
	f := newFixture(t, func(c *assistant.DeskConfig) { c.MaxHeld = 1; c.IdleAfter = time.Minute }, "一号店")
	shop := f.shops[0].ID
	f.turn(t, shop, "c1", assistant.Buyer, "这个编织数据线结实吗")
	f.turn(t, shop, "c2", assistant.Buyer, "你好")
	f.advance(2 * time.Minute)
	f.turn(t, shop, "c3", assistant.Buyer, "在吗") // sweeps: c1 and c2 are idle
	if held := f.desk.Held(); held != 1 {
		t.Fatalf("held %d conversations after the sweep, want 1 (c3)", held)
	}
	s := f.turn(t, shop, "c1", assistant.Buyer, "能便宜点吗")
	if s.Turn != 1 || s.Product != "cable" {
		t.Errorf("c1 after replay: turn %d, product %q; want turn 1 on cable", s.Turn, s.Product)
	}
}

// Past MaxHeld, conversations are forgotten least recently used first even
// when none has been idle for IdleAfter (a busy hour starts more than
// MaxHeld), but never one used within the last minute.
func TestDeskForgetsTheLeastRecentPastMaxHeld(t *testing.T) {
	f := newFixture(t, func(c *assistant.DeskConfig) { c.MaxHeld = 1 }, "一号店") // IdleAfter: 2 hours
	shop := f.shops[0].ID
	f.turn(t, shop, "c1", assistant.Buyer, "这个编织数据线结实吗") // sweeps (at most once a minute)
	f.advance(30 * time.Second)
	f.turn(t, shop, "c2", assistant.Buyer, "你好")
	f.turn(t, shop, "c4", assistant.Buyer, "在吗")
	f.advance(40 * time.Second)
	// Sweeps: three held, two over MaxHeld, but c2 and c4 were used 40 s
	// ago: only c1 is forgotten.
	f.turn(t, shop, "c3", assistant.Buyer, "在吗")
	if held := f.desk.Held(); held != 3 {
		t.Fatalf("held %d conversations after the sweep, want 3 (c2 and c4, used within the minute, and c3)", held)
	}
	f.advance(2 * time.Minute)
	// Sweeps: c2 and c4, the least recent, are forgotten; c3 stays.
	s := f.turn(t, shop, "c1", assistant.Buyer, "能便宜点吗")
	if held := f.desk.Held(); held != 2 {
		t.Fatalf("held %d conversations after the second sweep, want 2 (c3 and c1)", held)
	}
	if s.Turn != 1 || s.Product != "cable" {
		t.Errorf("c1 after replay: turn %d, product %q; want turn 1 on cable", s.Turn, s.Product)
	}
	if s := f.turn(t, shop, "c2", assistant.Buyer, "还在吗"); s.Turn != 1 {
		t.Errorf("c2 after replay: turn %d, want 1", s.Turn)
	}
}

// A turn whose log write fails is not remembered: the next turn gets the
// same number, so memory and log agree. Its set, published before the
// write, is retracted.
func TestDeskForgetsATurnTheLogRefused(t *testing.T) {
	f := newFixture(t, nil, "一号店")
	shop := f.shops[0].ID
	f.turn(t, shop, "c1", assistant.Buyer, "你好")
	if _, err := f.db.SQL().Exec(`CREATE TRIGGER refuse BEFORE INSERT ON turns WHEN NEW.idx = 1
		BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.desk.Turn(context.Background(), shop, "c1", assistant.Turn{Role: assistant.Buyer, Text: "在吗"}, "test"); err == nil {
		t.Fatal("the refused write was reported as success")
	}
	back := f.pub.takenBack()
	if len(back) != 1 || back[0].shop != shop || back[0].conv != "c1" || back[0].turn != 1 {
		t.Errorf("retracted %+v, want turn 1 of c1", back)
	}
	if _, err := f.db.SQL().Exec(`DROP TRIGGER refuse`); err != nil {
		t.Fatal(err)
	}
	if s := f.turn(t, shop, "c1", assistant.Buyer, "在吗"); s.Turn != 1 {
		t.Errorf("turn after the failure numbered %d, want 1", s.Turn)
	}
	var turns []int
	for _, p := range f.pub.all() {
		turns = append(turns, p.turn)
	}
	if !slices.Equal(turns, []int{0, 1, 1}) || len(f.pub.takenBack()) != 1 {
		t.Errorf("published turns %v, retracted %d; want 0, 1 (refused), 1 (stored), and one retraction", turns, len(f.pub.takenBack()))
	}
}

// A turn's set is published before the turn is written, so a panel does not
// wait for the disk; the caller is answered after the write.
func TestDeskPublishesBeforeTheWrite(t *testing.T) {
	var f *fixture
	var publishedFirst []bool
	f = newFixture(t, func(c *assistant.DeskConfig) {
		c.Log = watchedLog{DB: c.Log.(*sqlite.DB), before: func(st *kb.StoredTurn) {
			pushed := f.pub.all()
			publishedFirst = append(publishedFirst, len(pushed) > 0 && pushed[len(pushed)-1].turn == st.Index)
		}}
	}, "一号店")
	shop := f.shops[0].ID
	f.turn(t, shop, "c1", assistant.Buyer, "你好")
	f.turn(t, shop, "c1", assistant.Buyer, "在吗")
	if !slices.Equal(publishedFirst, []bool{true, true}) {
		t.Errorf("set published before its turn was written: %v, want true for both", publishedFirst)
	}
	if got, err := f.db.Turns(context.Background(), shop, "c1"); err != nil || len(got) != 2 {
		t.Errorf("stored %d turns (%v), want 2: the caller is answered after the write", len(got), err)
	}
}

// watchedLog is the store, with a look before each write.
type watchedLog struct {
	*sqlite.DB
	before func(*kb.StoredTurn)
}

func (l watchedLog) AddTurn(ctx context.Context, t *kb.StoredTurn) error {
	l.before(t)
	return l.DB.AddTurn(ctx, t)
}

// Two shops in one Desk: the same conversation id is two conversations, and
// each shop answers from its own knowledge.
func TestDeskKeepsShopsApart(t *testing.T) {
	f := newFixture(t, nil, "一号店", "二号店")
	a, b := f.shops[0].ID, f.shops[1].ID
	f.turn(t, a, "same-id", assistant.Buyer, "数据线多少钱")
	f.turn(t, a, "same-id", assistant.Buyer, "充电头呢")
	if s := f.turn(t, b, "same-id", assistant.Buyer, "你好"); s.Turn != 0 {
		t.Errorf("shop %d's same-id starts at turn %d, want 0", b, s.Turn)
	}
	for _, p := range f.pub.all() {
		if p.conv != "same-id" || (p.shop != a && p.shop != b) {
			t.Errorf("push %+v", p)
		}
	}
	if _, _, err := f.desk.Turn(context.Background(), 99, "x", assistant.Turn{Role: assistant.Buyer, Text: "你好"}, "t"); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("a turn for a shop the store lacks: %v, want not_found", err)
	}
}

// An import into the store (by another process, say) changes the shop's
// next turn, with no restart; the other shop is not reloaded.
func TestDeskReloadsAShopChangedInTheStore(t *testing.T) {
	f := newFixture(t, nil, "一号店", "二号店")
	a := f.shops[0].ID
	before := f.turn(t, a, "c1", assistant.Buyer, "数据线能便宜点吗")
	if got := phraseIDs(before); len(got) == 0 || got[0] != "p-bundle" {
		t.Fatalf("phrases before the import = %v, want p-bundle first", got)
	}
	f.turn(t, f.shops[1].ID, "c9", assistant.Buyer, "你好")
	loadedBefore := loadTimes(f.desk)

	edited := deskShop("一号店")
	edited.Phrases[0] = kb.Phrase{ID: "p-gift", Scene: kb.SceneUpsell, Title: "满额赠品", Text: "亲,满99元送收纳包哦", Tags: []string{"便宜", "优惠"}}
	if _, err := f.db.ImportShop(context.Background(), edited); err != nil {
		t.Fatal(err)
	}
	after := f.turn(t, a, "c1", assistant.Buyer, "再便宜一点吧")
	if got := phraseIDs(after); len(got) == 0 || got[0] != "p-gift" {
		t.Errorf("phrases after the import = %v, want p-gift first", got)
	}
	if after.Turn != 1 {
		t.Errorf("the conversation lost its place over the reload: turn %d", after.Turn)
	}
	loadedAfter := loadTimes(f.desk)
	if loadedAfter[f.shops[1].ID] != loadedBefore[f.shops[1].ID] {
		t.Errorf("the other shop was reloaded by an import that did not touch it")
	}
}

func loadTimes(d *assistant.Desk) map[int64]kb.ShopInfo {
	out := map[int64]kb.ShopInfo{}
	for _, s := range d.Loaded() {
		out[s.Info.ID] = s.Info
	}
	return out
}

func phraseIDs(s *assistant.Suggestions) []string {
	var out []string
	for _, p := range s.Phrases {
		out = append(out, p.ID)
	}
	return out
}

// Turns keep flowing in one shop while another is reloaded over and over.
func TestDeskReloadDoesNotDisturbOtherShops(t *testing.T) {
	f := newFixture(t, nil, "一号店", "二号店")
	a, b := f.shops[0].ID, f.shops[1].ID
	f.turn(t, b, "warm", assistant.Buyer, "你好")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				conv := "b" + string(rune('a'+g))
				if _, _, err := f.desk.Turn(context.Background(), b, conv, assistant.Turn{Role: assistant.Buyer, Text: "充电头多少钱"}, "t"); err != nil {
					t.Error(err)
					return
				}
			}
		}(g)
	}
	for i := 0; i < 3; i++ {
		if _, err := f.db.ImportShop(context.Background(), deskShop("一号店")); err != nil {
			t.Fatal(err)
		}
		f.turn(t, a, "a1", assistant.Buyer, "数据线能便宜点吗")
	}
	close(stop)
	wg.Wait()
}

// A suggestion set is published as the JSON that was stored.
func TestDeskPublishesWhatItStores(t *testing.T) {
	f := newFixture(t, nil, "一号店")
	s := f.turn(t, f.shops[0].ID, "c1", assistant.Buyer, "收到数据线是坏的")
	var back assistant.Suggestions
	if err := json.Unmarshal([]byte(f.pub.all()[0].data), &back); err != nil || back.Turn != s.Turn || back.Text != s.Text {
		t.Errorf("published %s", f.pub.all()[0].data)
	}
}

// countingIndexer counts the indexes built, to tell an edit put in place
// from a rebuild.
type countingIndexer struct {
	index.Dirs
	mu    sync.Mutex
	built int
}

func (c *countingIndexer) Index(info kb.ShopInfo, shop *kb.Shop) (*index.Index, error) {
	c.mu.Lock()
	c.built++
	c.mu.Unlock()
	return c.Dirs.Index(info, shop)
}

func (c *countingIndexer) builds() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.built
}

// A change of phrases alone is put into the index in use (no rebuild) and
// the next turn suggests the new phrase and never the removed one; a change
// of products builds a new index.
func TestDeskPutsPhraseEditsInPlace(t *testing.T) {
	var ix *countingIndexer
	f := newFixture(t, func(c *assistant.DeskConfig) {
		ix = &countingIndexer{Dirs: c.Indexer.(index.Dirs)}
		c.Indexer = ix
	}, "一号店")
	a := f.shops[0].ID
	f.turn(t, a, "c1", assistant.Buyer, "数据线能便宜点吗")
	if ix.builds() != 1 {
		t.Fatalf("%d builds after the first turn, want 1", ix.builds())
	}
	edited := deskShop("一号店")
	edited.Phrases = []kb.Phrase{edited.Phrases[1], {ID: "p-gift", Scene: kb.SceneUpsell, Title: "满额赠品",
		Text: "亲,满99元送收纳包哦", Tags: []string{"便宜", "优惠"}}} // p-bundle removed, p-gift new
	if _, err := f.db.ImportShop(context.Background(), edited); err != nil {
		t.Fatal(err)
	}
	s := f.turn(t, a, "c2", assistant.Buyer, "数据线能便宜点吗")
	got := phraseIDs(s)
	if len(got) == 0 || got[0] != "p-gift" {
		t.Errorf("phrases after the phrase edit = %v, want p-gift first", got)
	}
	for _, id := range got {
		if id == "p-bundle" {
			t.Errorf("the removed phrase is still suggested: %v", got)
		}
	}
	if ix.builds() != 1 {
		t.Errorf("a phrase edit built a new index (%d builds), want it put in place", ix.builds())
	}
	edited.Products[0].Price = 25
	if _, err := f.db.ImportShop(context.Background(), edited); err != nil {
		t.Fatal(err)
	}
	f.turn(t, a, "c3", assistant.Buyer, "数据线多少钱")
	if ix.builds() != 2 {
		t.Errorf("a product edit: %d builds, want a new index (2)", ix.builds())
	}
}
