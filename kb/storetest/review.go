package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/review"
)

// ReviewStore is what the managers' review and the outcomes route use of a
// store (web.ReviewStore), with RefreshReview to bring the rollups up to
// date at once.
type ReviewStore interface {
	Store
	AddOutcome(ctx context.Context, shop int64, o *kb.Outcome) (created bool, err error)
	Outcomes(ctx context.Context, shop int64, conv string) ([]kb.Outcome, error)
	ConversationEvents(ctx context.Context, shop int64, conv string) ([]kb.Event, error)
	ConversationShows(ctx context.Context, shop int64, conv string) ([]kb.Show, error)
	RefreshReview(ctx context.Context, shop int64) (int, error)
	RefreshReviewFor(ctx context.Context, shop int64, budget time.Duration) (int, error)
	ReviewPending(ctx context.Context, shop int64) (int, error)
	ReviewAgents(ctx context.Context, shop int64, f review.Filter) ([]review.AgentRow, error)
	ReviewAgentNames(ctx context.Context, shop int64) ([]string, error)
	ReviewConversations(ctx context.Context, shop int64, f review.Filter, week, figure string, limit int) ([]review.ConversationRow, error)
	ReviewSuggestions(ctx context.Context, shop int64, f review.Filter) ([]review.SuggestionRow, []review.TrendPoint, error)
}

func reviewStore(t *testing.T, f Factory) ReviewStore {
	t.Helper()
	db, _ := open(t, f)
	rs, ok := db.(ReviewStore)
	if !ok {
		t.Fatalf("%T keeps no review: it must implement storetest.ReviewStore (web.ReviewStore)", db)
	}
	return rs
}

var cst = time.FixedZone("CST", 8*3600)

// at is a time in the shop's zone (China Standard Time).
func at(day, clock string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", day+" "+clock, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// reviewShop is the shop of the review fixture: the figures name its
// phrase h1 (scene upsell) by its title.
func reviewShop(name string) *kb.Shop {
	return &kb.Shop{
		Name: name, ShipWithinHours: 48, SameDayCutoff: "17:00", Timezone: "Asia/Shanghai",
		Products: []kb.Product{
			{ID: "p1", Title: "明前龙井 250克", Aliases: []string{"龙井"}, Price: 168, ShipWithinHours: 24},
			{ID: "p2", Title: "双层玻璃杯", Price: 45},
		},
		Rules:   []kb.Rule{{ID: "r1", Title: "七天无理由", Source: "《消费者权益保护法》第二十五条", Text: "七日内有权退货", Tags: []string{"退货"}}},
		Phrases: []kb.Phrase{{ID: "h1", Scene: kb.SceneUpsell, Title: "套餐", Text: "亲,{套餐}更划算", Tags: []string{"优惠"}}},
	}
}

// ShownAs is how a fixture records the sets pushed to panels: as shows
// (one record per push, since migration 013), as the shown events stores
// kept before (one per suggestion of the set), or some of each, as a store
// upgraded in the middle of a conversation holds them.
type ShownAs int

const (
	ShownAsShows ShownAs = iota
	ShownAsEvents
	ShownMixed
)

func (h ShownAs) String() string { return [...]string{"shows", "events", "mixed"}[h] }

// recordShown records that a push of the set stored with a turn showed it
// to agent at when, as how says; n counts the pushes a fixture made, for
// the mix (odd pushes as shows, even ones as events).
func recordShown(t testing.TB, db Store, how ShownAs, n int, shop int64, conv string, turn int, agent string, when time.Time) {
	t.Helper()
	ctx := context.Background()
	stored, err := db.Turn(ctx, shop, conv, turn)
	if err != nil {
		t.Fatal(err)
	}
	members, err := kb.SetMembers(stored.Suggestions)
	if err != nil {
		t.Fatal(err)
	}
	show := kb.Show{Shop: shop, Conversation: conv, Turn: turn, Agent: agent, At: when, Members: members}
	if how == ShownAsEvents || how == ShownMixed && n%2 == 0 {
		err = db.AddEvents(ctx, kb.ShowEvents(show, members)...)
	} else {
		err = db.AddShows(ctx, show)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// fixtureSet is a stored suggestion set of product p1 holding members,
// each "kind:id" (nudge:upsell:bargain, phrase:h1, rule:r1, product:p2).
func fixtureSet(conv string, turn int, members ...string) []byte {
	type nudge struct {
		Kind     string `json:"kind"`
		Category string `json:"category,omitempty"`
	}
	type hit struct {
		ID string `json:"id"`
	}
	set := struct {
		Conversation string  `json:"conversation"`
		Turn         int     `json:"turn"`
		Product      string  `json:"product"`
		Nudges       []nudge `json:"nudges"`
		Products     []hit   `json:"products"`
		Rules        []hit   `json:"rules"`
		Phrases      []hit   `json:"phrases"`
	}{conv, turn, "p1", []nudge{}, []hit{}, []hit{}, []hit{}}
	for _, m := range members {
		kind, id, _ := strings.Cut(m, ":")
		switch kind {
		case kb.SuggestionNudge:
			k, c, _ := strings.Cut(id, ":")
			set.Nudges = append(set.Nudges, nudge{k, c})
		case kb.SuggestionProduct:
			set.Products = append(set.Products, hit{id})
		case kb.SuggestionRule:
			set.Rules = append(set.Rules, hit{id})
		case kb.SuggestionPhrase:
			set.Phrases = append(set.Phrases, hit{id})
		default:
			panic("fixtureSet: member " + m)
		}
	}
	data, err := json.Marshal(set)
	if err != nil {
		panic(err)
	}
	return data
}

// SeedReview writes a small week whose figures are computed by hand in
// CheckReviewFigures into a new shop of db, and returns the shop's id: a
// bargain at 23:59 answered across midnight with a plain discount and paid
// (the payment posted twice), a chat never answered, and next week a
// promise the shop cannot keep with an absolute word; a manager's panel
// showed sets too (one to the manager alone), and one use was typed with an
// edit. The sets pushed are recorded some as shows, some as shown events.
func SeedReview(t testing.TB, db ReviewStore) int64 {
	return SeedReviewShown(t, db, ShownMixed)
}

// SeedReviewShown is SeedReview with the pushes recorded as how says.
func SeedReviewShown(t testing.TB, db ReviewStore, how ShownAs) int64 {
	t.Helper()
	ctx := context.Background()
	info, err := db.ImportShop(ctx, reviewShop("复盘茶铺"))
	if err != nil {
		t.Fatal(err)
	}
	shop := info.ID
	boss, err := db.CreateUser(ctx, "boss", "a-long-password", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Grant(ctx, boss.ID, shop, kb.RoleManager); err != nil {
		t.Fatal(err)
	}
	turn := func(conv string, i int, role, who, text string, when time.Time, members ...string) {
		t.Helper()
		if err := db.AddTurn(ctx, &kb.StoredTurn{Shop: shop, Conversation: conv, Index: i, Role: role, Text: text,
			At: when, PostedBy: who, Suggestions: fixtureSet(conv, i, members...)}); err != nil {
			t.Fatal(err)
		}
	}
	// c1: bargaining at 23:59, answered at 00:01 with a plain discount; paid.
	turn("c1", 0, "buyer", "token:qn", "能便宜点吗", at("2026-11-23", "23:59:00"), "nudge:upsell:bargain", "rule:r1", "phrase:h1")
	turn("c1", 1, "agent", "xiaoli", "亲,您好,给您便宜10元", at("2026-11-24", "00:01:00"))
	turn("c1", 2, "buyer", "token:qn", "好的拍了", at("2026-11-24", "00:05:00"))
	turn("c1", 3, "agent", "xiaoli", "感谢支持", at("2026-11-24", "00:06:00"))
	// c2: never answered.
	turn("c2", 0, "buyer", "token:qn", "在吗", at("2026-11-25", "10:00:00"), "phrase:h1")
	// c3: next week; a promise the shop cannot keep and an absolute word, no closing.
	turn("c3", 0, "buyer", "token:qn", "什么时候发货", at("2026-11-30", "09:00:00"), "phrase:h9")
	turn("c3", 1, "agent", "xiaowang", "亲在的,今天一定发,最好的茶", at("2026-11-30", "09:00:30"), "nudge:shipping_promise:ship", "nudge:wording")

	recordShown(t, db, how, 0, shop, "c1", 0, "xiaoli", at("2026-11-23", "23:59:01"))
	recordShown(t, db, how, 1, shop, "c1", 0, "boss", at("2026-11-23", "23:59:01"))
	recordShown(t, db, how, 2, shop, "c2", 0, "xiaoli", at("2026-11-25", "10:00:01"))
	recordShown(t, db, how, 3, shop, "c3", 0, "boss", at("2026-11-30", "09:00:01")) // only a manager saw h9

	ev := func(conv string, turn int, who, kind, id string, a kb.Action, when time.Time) kb.Event {
		return kb.Event{Shop: shop, Conversation: conv, Turn: turn, Agent: who, Kind: kind, SuggestionID: id, Action: a, At: when}
	}
	typed := ev("c1", 0, "xiaoli", "phrase", "h1", kb.ActionUsed, at("2026-11-24", "00:01:00"))
	typed.Typed, typed.Edited = true, true
	if err := db.AddEvents(ctx,
		ev("c1", 0, "xiaoli", "rule", "r1", kb.ActionDismissed, at("2026-11-23", "23:59:30")),
		typed,
	); err != nil {
		t.Fatal(err)
	}
	paid := &kb.Outcome{ID: "pay-1", Conversation: "c1", Kind: kb.OutcomeOrderPaid, At: at("2026-11-24", "00:10:00"),
		Order: "o1", Amount: 16800, Items: []kb.OrderItem{{Product: "p1", Quantity: 1}}}
	for i, want := range []bool{true, false} { // posted twice: a retry
		created, err := db.AddOutcome(ctx, shop, paid)
		if err != nil || created != want {
			t.Fatalf("post %d: created %v, %v; want %v", i+1, created, err, want)
		}
	}
	changed := *paid
	changed.Amount = 100
	if _, err := db.AddOutcome(ctx, shop, &changed); kb.ErrorCode(err) != kb.EConflict {
		t.Fatalf("a different body under the same id: %v, want conflict", err)
	}
	return shop
}

// CheckReviewFigures checks the pages' figures of a shop SeedReview filled,
// once its rollups are up to date.
func CheckReviewFigures(t testing.TB, db ReviewStore, shop int64) {
	t.Helper()
	ctx := context.Background()
	agents, err := db.ReviewAgents(ctx, shop, review.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	type fig struct {
		agent, week                                string
		cons, replied, converted, paid             int
		amount                                     kb.Money
		avg, first                                 time.Duration
		checked, score, promise, wording, discount int
	}
	want := []fig{
		{review.Unassigned, "2026-W48", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		// responses of 2 min (23:59 → 00:01, across midnight) and 1 min.
		{"xiaoli", "2026-W48", 1, 1, 1, 1, 16800, 90 * time.Second, 2 * time.Minute, 1, 85, 0, 0, 1},
		{"xiaowang", "2026-W49", 1, 1, 0, 0, 0, 30 * time.Second, 30 * time.Second, 1, 45, 1, 1, 0},
	}
	if len(agents) != len(want) {
		t.Fatalf("agents = %+v, want %d rows", agents, len(want))
	}
	for i, w := range want {
		a := agents[i]
		got := fig{a.Agent, a.Week, a.Consultations, a.Replied, a.Converted, a.PaidOrders, a.PaidAmount,
			a.AverageResponse(), a.AverageFirstResponse(), a.Checked, a.ScoreSum, a.Promise, a.Wording, a.Discount}
		if got != w {
			t.Errorf("row %d = %+v\n want %+v", i, got, w)
		}
	}
	names, err := db.ReviewAgentNames(ctx, shop)
	if err != nil || strings.Join(names, ",") != review.Unassigned+",xiaoli,xiaowang" {
		t.Errorf("agent names = %q, %v; want the unassigned, xiaoli and xiaowang", names, err)
	}

	only, err := db.ReviewAgents(ctx, shop, review.Filter{From: "2026-11-30", To: "2026-12-06"})
	if err != nil || len(only) != 1 || only[0].Agent != "xiaowang" {
		t.Errorf("week of 11-30 = %+v, %v; want xiaowang only", only, err)
	}
	unreplied, err := db.ReviewConversations(ctx, shop, review.Filter{}, "", review.FigureUnreplied, 10)
	if err != nil || len(unreplied) != 1 || unreplied[0].Conversation != "c2" || unreplied[0].Replied {
		t.Errorf("unreplied = %+v, %v; want c2", unreplied, err)
	}
	discount, err := db.ReviewConversations(ctx, shop, review.Filter{Agent: "xiaoli"}, "2026-W48", review.FigureDiscount, 10)
	if err != nil || len(discount) != 1 || discount[0].Conversation != "c1" || discount[0].FirstResponse != 2*time.Minute ||
		!discount[0].Converted || discount[0].PaidAmount != 16800 || discount[0].Quality.Score != 85 {
		t.Errorf("discount = %+v, %v; want c1, paid 168.00, with a first response of 2 min and a score of 85", discount, err)
	}
	all, err := db.ReviewConversations(ctx, shop, review.Filter{}, "", review.FigureAll, 2)
	if err != nil || len(all) != 2 || all[0].Conversation != "c3" || all[1].Conversation != "c2" {
		t.Errorf("all, at most 2 = %+v, %v; want c3 then c2 (latest first)", all, err)
	}
	if _, err := db.ReviewConversations(ctx, shop, review.Filter{}, "", "nonsense", 10); kb.ErrorCode(err) != kb.EInvalid {
		t.Errorf("an unknown figure: %v, want invalid", err)
	}

	sugg, trend, err := db.ReviewSuggestions(ctx, shop, review.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sugg) != 3 {
		t.Fatalf("suggestions = %+v, want h1, the bargain nudge and r1 (h9 was seen by a manager only)", sugg)
	}
	h1, bargain, r1 := sugg[0], sugg[1], sugg[2]
	if h1.SuggestionID != "h1" || h1.Shown != 2 || h1.Used != 1 || h1.Typed != 1 || h1.Edited != 1 || h1.Dismissed != 0 ||
		h1.Title != "套餐" || h1.Scene != string(kb.SceneUpsell) {
		t.Errorf("h1 = %+v", h1)
	}
	if c := h1.After[review.SignalOrderPaid]; c != (review.Comparison{Used: 1, UsedWith: 1, Unused: 1, UnusedWith: 0}) {
		t.Errorf("h1 paid after use = %+v, want 1 of 1 used, 0 of 1 unused", c)
	}
	if bargain.Kind != kb.SuggestionNudge || bargain.SuggestionID != "upsell:bargain" || bargain.Shown != 1 || bargain.Used != 0 ||
		bargain.Dismissed != 0 || bargain.Scene != "upsell" {
		t.Errorf("the bargain nudge = %+v", bargain)
	}
	if c := bargain.After[review.SignalOrderPaid]; c != (review.Comparison{Unused: 1, UnusedWith: 1}) {
		t.Errorf("the bargain nudge, paid after = %+v, want shown in 1 conversation, never used, paid after", c)
	}
	if r1.SuggestionID != "r1" || r1.Shown != 1 || r1.Used != 0 || r1.Dismissed != 1 || r1.Title != "七天无理由" {
		t.Errorf("r1 = %+v", r1)
	}
	if len(trend) != 2 || trend[0].Period != "2026-11-23" || trend[0].Shown != 3 || trend[0].Used != 1 ||
		trend[1].Period != "2026-11-25" || trend[1].Shown != 1 {
		t.Errorf("trend = %+v, want 11-23 (3 shown, 1 used) and 11-25 (1 shown)", trend)
	}
	byProduct, _, err := db.ReviewSuggestions(ctx, shop, review.Filter{Product: "p1"})
	if err != nil || len(byProduct) != 3 || byProduct[0].Shown != 2 || byProduct[0].After[review.SignalOrderPaid].UsedWith != 1 {
		t.Errorf("by product = %+v, %v; want the same figures", byProduct, err)
	}
	upsell, _, err := db.ReviewSuggestions(ctx, shop, review.Filter{Scene: string(kb.SceneUpsell)})
	if err != nil || len(upsell) != 2 || upsell[0].SuggestionID != "h1" || upsell[1].SuggestionID != "upsell:bargain" {
		t.Errorf("scene upsell = %+v, %v; want h1 and the bargain nudge", upsell, err)
	}
	if none, _, err := db.ReviewSuggestions(ctx, shop, review.Filter{Product: "p2"}); err != nil || len(none) != 0 {
		t.Errorf("product p2 = %+v, %v; want none", none, err)
	}

	// The turn detail: who was shown each turn's set.
	for _, c := range []struct {
		conv string
		want map[int][]string
	}{
		{"c1", map[int][]string{0: {"xiaoli", "boss"}}},
		{"c2", map[int][]string{0: {"xiaoli"}}},
		{"c3", map[int][]string{0: {"boss"}}},
	} {
		events, err := db.ConversationEvents(ctx, shop, c.conv)
		if err != nil {
			t.Fatal(err)
		}
		shows, err := db.ConversationShows(ctx, shop, c.conv)
		if err != nil {
			t.Fatal(err)
		}
		if got := kb.ShownTo(events, shows); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s shown to %v, want %v", c.conv, got, c.want)
		}
	}
}

func testReview(t *testing.T, f Factory) {
	for _, how := range []ShownAs{ShownAsShows, ShownAsEvents, ShownMixed} {
		t.Run("shown as "+how.String(), func(t *testing.T) { testReviewShown(t, f, how) })
	}
}

// wantPending fails unless n of the shop's conversations wait for the
// review to count them.
func wantPending(t *testing.T, db ReviewStore, shop int64, n int) {
	t.Helper()
	if got, err := db.ReviewPending(context.Background(), shop); err != nil || got != n {
		t.Fatalf("pending of shop %d: %d, %v; want %d", shop, got, err, n)
	}
}

func testReviewShown(t *testing.T, f Factory, how ShownAs) {
	ctx := context.Background()
	db := reviewStore(t, f)
	shop := SeedReviewShown(t, db, how)
	other, err := db.ImportShop(ctx, reviewShop("另一家"))
	must(t, "import", err)
	wantPending(t, db, shop, 3)
	wantPending(t, db, other.ID, 0)
	// A page's refresh does a chunk however short its budget.
	if n, err := db.RefreshReviewFor(ctx, shop, time.Nanosecond); err != nil || n != 3 {
		t.Fatalf("refresh: %d, %v; want 3 conversations", n, err)
	}
	if n, err := db.RefreshReview(ctx, shop); err != nil || n != 0 {
		t.Fatalf("second refresh: %d, %v; want nothing to do", n, err)
	}
	wantPending(t, db, shop, 0)
	CheckReviewFigures(t, db, shop)

	// Each shop's review is its own.
	if _, err := db.RefreshReview(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if a, err := db.ReviewAgents(ctx, other.ID, review.Filter{}); err != nil || len(a) != 0 {
		t.Errorf("the other shop's agents = %+v, %v; want none", a, err)
	}
	if s, trend, err := db.ReviewSuggestions(ctx, other.ID, review.Filter{}); err != nil || len(s) != 0 || len(trend) != 0 {
		t.Errorf("the other shop's suggestions = %+v %+v, %v; want none", s, trend, err)
	}
	if _, err := db.RefreshReview(ctx, 999); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("refresh of an unknown shop: %v, want not_found", err)
	}

	// A later write marks its conversation: the next refresh redoes only it.
	if _, err := db.AddOutcome(ctx, shop, &kb.Outcome{ID: "pay-2", Conversation: "c3", Kind: kb.OutcomeOrderPaid,
		At: at("2026-11-30", "09:30:00"), Order: "o2", Amount: 4500, Items: []kb.OrderItem{{Product: "p2", Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	wantPending(t, db, shop, 1)
	if n, err := db.RefreshReview(ctx, shop); err != nil || n != 1 {
		t.Fatalf("refresh after an outcome: %d, %v; want 1", n, err)
	}
	wantPending(t, db, shop, 0)
	agents, _ := db.ReviewAgents(ctx, shop, review.Filter{Agent: "xiaowang"})
	if len(agents) != 1 || agents[0].Converted != 1 || agents[0].PaidAmount != 4500 {
		t.Errorf("xiaowang after the order = %+v", agents)
	}
	// A turn marks it too; the day rows move by the difference, not add.
	must(t, "a later turn", db.AddTurn(ctx, &kb.StoredTurn{Shop: shop, Conversation: "c2", Index: 1, Role: "agent",
		Text: "您好,在的,感谢等待", At: at("2026-11-25", "10:02:00"), PostedBy: "xiaoli", Suggestions: []byte(`{}`)}))
	if n, err := db.RefreshReview(ctx, shop); err != nil || n != 1 {
		t.Fatalf("refresh after a turn: %d, %v; want 1", n, err)
	}
	agents, _ = db.ReviewAgents(ctx, shop, review.Filter{})
	if len(agents) != 2 || agents[0].Agent != "xiaoli" || agents[0].Consultations != 2 || agents[0].Replied != 2 || agents[0].Responses != 3 {
		t.Errorf("after c2 was answered = %+v; want xiaoli with 2 consultations, both replied, 3 responses", agents)
	}
	// An event does too.
	must(t, "a later event", db.AddEvents(ctx, kb.Event{Shop: shop, Conversation: "c2", Turn: 0, Agent: "xiaoli",
		Kind: kb.SuggestionPhrase, SuggestionID: "h1", Action: kb.ActionUsed, At: at("2026-11-25", "10:02:00")}))
	if n, err := db.RefreshReview(ctx, shop); err != nil || n != 1 {
		t.Fatalf("refresh after an event: %d, %v; want 1", n, err)
	}
	sugg, _, _ := db.ReviewSuggestions(ctx, shop, review.Filter{})
	if len(sugg) == 0 || sugg[0].SuggestionID != "h1" || sugg[0].Used != 2 || sugg[0].After[review.SignalOrderPaid].Unused != 0 {
		t.Errorf("h1 after its use in c2 = %+v; want used twice, never left unused", sugg)
	}
	// And a show.
	must(t, "a later turn", db.AddTurn(ctx, &kb.StoredTurn{Shop: shop, Conversation: "c2", Index: 2, Role: "buyer",
		Text: "还有别的吗", At: at("2026-11-25", "10:05:00"), PostedBy: "token:qn", Suggestions: fixtureSet("c2", 2, "phrase:h1", "rule:r1")}))
	if n, err := db.RefreshReview(ctx, shop); err != nil || n != 1 {
		t.Fatalf("refresh after a turn: %d, %v; want 1", n, err)
	}
	recordShown(t, db, how, 1, shop, "c2", 2, "xiaoli", at("2026-11-25", "10:05:01"))
	if n, err := db.RefreshReview(ctx, shop); err != nil || n != 1 {
		t.Fatalf("refresh after a show: %d, %v; want 1", n, err)
	}
	sugg, _, _ = db.ReviewSuggestions(ctx, shop, review.Filter{})
	if len(sugg) != 3 || sugg[0].SuggestionID != "h1" || sugg[0].Shown != 3 || sugg[1].SuggestionID != "r1" || sugg[1].Shown != 2 {
		t.Errorf("after c2's third turn was shown = %+v; want h1 shown 3 times, r1 twice", sugg)
	}
}

func testOutcomes(t *testing.T, f Factory) {
	ctx := context.Background()
	db := reviewStore(t, f)
	tea, err := db.ImportShop(ctx, reviewShop("茶铺"))
	must(t, "import", err)
	phone, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import", err)
	refund := &kb.Outcome{ID: "rf-1", Conversation: "c1", Kind: kb.OutcomeRefundRequested, At: at("2026-11-26", "12:00:00"),
		Order: "o1", Amount: 4500, RefundType: kb.RefundReturn}
	paid := &kb.Outcome{ID: "pay-1", Conversation: "c1", Kind: kb.OutcomeOrderPaid, At: at("2026-11-24", "00:10:00"),
		Order: "o1", Amount: 16800, Items: []kb.OrderItem{{Product: "p1", Quantity: 1}, {Product: "p2", Quantity: 2, Amount: 9000}}}
	for _, o := range []*kb.Outcome{refund, paid} {
		if created, err := db.AddOutcome(ctx, tea.ID, o); err != nil || !created {
			t.Fatalf("add %s: %v, %v", o.ID, created, err)
		}
	}
	// The same id in another shop is another outcome.
	if created, err := db.AddOutcome(ctx, phone.ID, paid); err != nil || !created {
		t.Errorf("pay-1 in the other shop: %v, %v; want created", created, err)
	}
	bad := *paid
	bad.Items = nil
	if _, err := db.AddOutcome(ctx, tea.ID, &bad); kb.ErrorCode(err) != kb.EInvalid {
		t.Errorf("an order paid without items: %v, want invalid", err)
	}
	moved := *paid
	moved.Conversation = "c2"
	if _, err := db.AddOutcome(ctx, tea.ID, &moved); kb.ErrorCode(err) != kb.EConflict {
		t.Errorf("pay-1 again for another conversation: %v, want conflict", err)
	}
	got, err := db.Outcomes(ctx, tea.ID, "c1")
	must(t, "outcomes", err)
	if len(got) != 2 || !got[0].Same(paid) || !got[1].Same(refund) {
		t.Errorf("outcomes of c1 = %+v, want the payment then the refund (by time), as posted", got)
	}
	if got, err := db.Outcomes(ctx, tea.ID, "c9"); err != nil || got == nil || len(got) != 0 {
		t.Errorf("outcomes of a conversation without any = %#v, %v; want an empty list", got, err)
	}

	// Retries of one outcome posted at once, as from several instances,
	// record it once.
	retry := &kb.Outcome{ID: "rv-1", Conversation: "c1", Kind: kb.OutcomeReviewLeft, At: at("2026-11-28", "08:00:00"),
		Order: "o1", Rating: kb.RatingGood}
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := db.AddOutcome(ctx, tea.ID, retry)
			if err != nil {
				t.Errorf("a retry: %v", err)
			}
			if c {
				mu.Lock()
				created++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if got, _ := db.Outcomes(ctx, tea.ID, "c1"); created != 1 || len(got) != 3 {
		t.Errorf("8 retries at once: %d created, %d outcomes of c1; want 1 and 3", created, len(got))
	}

	// ConversationEvents keeps the typed and edited marks.
	typed := kb.Event{Shop: tea.ID, Conversation: "c1", Turn: 0, Agent: "xiaoli", Kind: kb.SuggestionPhrase, SuggestionID: "h1",
		Action: kb.ActionUsed, At: at("2026-11-24", "00:01:00"), Typed: true, Edited: true}
	clicked := typed
	clicked.Typed, clicked.Edited, clicked.Turn = false, false, 1
	must(t, "events", db.AddEvents(ctx, typed, clicked))
	evs, err := db.ConversationEvents(ctx, tea.ID, "c1")
	must(t, "conversation events", err)
	if len(evs) != 2 || !evs[0].Typed || !evs[0].Edited || evs[1].Typed || evs[1].Edited || evs[0].Shop != tea.ID ||
		!evs[0].At.Equal(typed.At) {
		t.Errorf("events of c1 = %+v; want the typed, edited use then the clicked one", evs)
	}
}
