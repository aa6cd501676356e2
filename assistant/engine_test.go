package assistant

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"assist/assistant/classify"
	"assist/kb"
	"assist/kb/bundle"
	"assist/kb/index"
)

// newTestEngine builds an engine over the shoe shop in testdata with a real
// bleve index in a temporary directory.
func newTestEngine(t testing.TB) *Engine {
	t.Helper()
	return engineFor(t, shoeShop(t))
}

func shoeShop(t testing.TB) *kb.Shop {
	t.Helper()
	shop, err := bundle.Load("testdata/shoe-shop.json")
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

// engineFor builds an engine over shop with a real index in a temporary
// directory.
func engineFor(t testing.TB, shop *kb.Shop) *Engine {
	t.Helper()
	e, _ := engineAndIndex(t, shop)
	return e
}

// engineAndIndex is engineFor, with the engine's index.
func engineAndIndex(t testing.TB, shop *kb.Shop) (*Engine, *index.Index) {
	t.Helper()
	idx, err := index.Build(filepath.Join(t.TempDir(), "index"), shop)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Config{Shop: shop, Index: idx})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, idx
}

// at is a Wednesday in the shop's timezone.
func at(hour, minute int) time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(2026, 11, 25, hour, minute, 0, 0, loc)
}

func kinds(s *Suggestions) []string {
	var out []string
	for _, n := range s.Nudges {
		out = append(out, n.Kind)
	}
	return out
}

func has(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func ids[T any](list []T, id func(T) string) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = id(x)
	}
	return out
}

func phraseIDs(s *Suggestions) []string {
	return ids(s.Phrases, func(p PhraseHit) string { return p.ID })
}
func ruleIDs(s *Suggestions) []string { return ids(s.Rules, func(r RuleHit) string { return r.ID }) }
func productIDs(s *Suggestions) []string {
	return ids(s.Products, func(p ProductHit) string { return p.ID })
}

// testChats holds the conversations of the tests' engines: the Desk owns
// them in the product; here a test names them.
var testChats sync.Map // chatKey → *Conversation

type chatKey struct {
	e  *Engine
	id string
}

// chat is the conversation id of engine e, started on first use.
func chat(e *Engine, id string) *Conversation {
	c, _ := testChats.LoadOrStore(chatKey{e, id}, NewConversation(id))
	return c.(*Conversation)
}

func turn(t *testing.T, e *Engine, conv string, role Role, text, product string, when time.Time) *Suggestions {
	t.Helper()
	s, err := e.Turn(chat(e, conv), Turn{Role: role, Text: text, Product: product, At: when})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBargainingRaisesUpsellWithFilledBundlePhrase(t *testing.T) {
	e := newTestEngine(t)
	s := turn(t, e, "c1", Buyer, "跑鞋能便宜点吗", "run-1", at(10, 0))
	if !has(kinds(s), NudgeUpsell) {
		t.Fatalf("nudges = %v, want upsell", kinds(s))
	}
	if len(s.Phrases) == 0 || s.Phrases[0].ID != "s-bundle" {
		t.Fatalf("phrases = %v, want s-bundle first", phraseIDs(s))
	}
	if !strings.Contains(s.Phrases[0].Text, "跑鞋+运动袜三双装") || strings.Contains(s.Phrases[0].Text, "{") {
		t.Errorf("bundle phrase not filled: %q", s.Phrases[0].Text)
	}
	if s.Nudges[0].Reason == "" || len(s.Nudges[0].Triggers) == 0 || s.Nudges[0].Action == "" {
		t.Errorf("nudge lacks reason, triggers or action: %+v", s.Nudges[0])
	}
}

func TestBuyingIntentPrefersPairing(t *testing.T) {
	e := newTestEngine(t)
	s := turn(t, e, "c1", Buyer, "好的,那我就拍这双了", "run-1", at(10, 0))
	if !has(kinds(s), NudgeUpsell) {
		t.Fatalf("nudges = %v, want upsell", kinds(s))
	}
	if len(s.Phrases) == 0 || s.Phrases[0].ID != "s-pair" || !strings.Contains(s.Phrases[0].Text, "运动袜三双装") {
		t.Errorf("phrases = %v (%+v), want the filled pairing phrase first", phraseIDs(s), s.Phrases)
	}
}

func TestNoUpsellIntoAComplaint(t *testing.T) {
	e := newTestEngine(t)
	s := turn(t, e, "c1", Buyer, "收到鞋子开胶了,鞋底都裂了", "run-1", at(10, 0))
	if !has(kinds(s), NudgeEvidence) || has(kinds(s), NudgeUpsell) {
		t.Fatalf("nudges = %v, want evidence and no upsell", kinds(s))
	}
	s = turn(t, e, "c1", Buyer, "再便宜点赔我50我就不追究了", "", at(10, 1))
	if has(kinds(s), NudgeUpsell) {
		t.Errorf("upsell raised after a complaint: %v", kinds(s))
	}
}

func TestEvidenceCitesRuleAndAsksForPhotos(t *testing.T) {
	e := newTestEngine(t)
	s := turn(t, e, "c1", Buyer, "鞋盒压坏了,鞋子也破损了", "", at(10, 0))
	var ev *Nudge
	for i := range s.Nudges {
		if s.Nudges[i].Kind == NudgeEvidence {
			ev = &s.Nudges[i]
		}
	}
	if ev == nil {
		t.Fatalf("nudges = %v, want evidence", kinds(s))
	}
	if ev.Category == "" || ev.Rule == nil || ev.Rule.ID != "r-proof" {
		t.Errorf("evidence nudge = %+v, want a category and rule r-proof", ev)
	}
	if !has(phraseIDs(s), "s-photo") || !has(ruleIDs(s), "r-proof") {
		t.Errorf("phrases %v rules %v, want s-photo and r-proof", phraseIDs(s), ruleIDs(s))
	}
}

func TestExtortionFindsConfirmPhraseAndRule(t *testing.T) {
	e := newTestEngine(t)
	s := turn(t, e, "c1", Buyer, "不给我补偿100块我就给差评", "", at(10, 0))
	if !has(kinds(s), NudgeEvidence) {
		t.Fatalf("nudges = %v, want evidence", kinds(s))
	}
	if !has(phraseIDs(s), "s-confirm") || !has(ruleIDs(s), "r-review") {
		t.Errorf("phrases %v rules %v, want s-confirm and r-review", phraseIDs(s), ruleIDs(s))
	}
}

func TestProductInViewIsKeptAcrossFollowUps(t *testing.T) {
	e := newTestEngine(t)
	s := turn(t, e, "c1", Buyer, "切尔西靴是真皮的吗", "", at(10, 0))
	if s.Product != "boot-pre" || productIDs(s)[0] != "boot-pre" {
		t.Fatalf("product in view %q, products %v: want boot-pre named by alias", s.Product, productIDs(s))
	}
	s = turn(t, e, "c1", Buyer, "什么时候能发货", "", at(10, 1))
	if s.Product != "boot-pre" {
		t.Errorf("follow-up lost the product in view: %q", s.Product)
	}
	if len(s.Phrases) == 0 || s.Phrases[0].ID != "s-pre" {
		t.Errorf("a pre-sale product's shipping question ranks %v, want s-pre first", phraseIDs(s))
	}
	s = turn(t, e, "c1", Agent, "亲,明天一定给您发出", "", at(10, 2))
	if !has(kinds(s), NudgeShippingPromise) {
		t.Errorf("promising tomorrow for a pre-sale product: nudges %v, want shipping_promise", kinds(s))
	}
	if !has(ruleIDs(s), "r-ship") {
		t.Errorf("rules %v, want r-ship", ruleIDs(s))
	}
}

func TestShippingPromiseOffersCompliantWording(t *testing.T) {
	e := newTestEngine(t)
	s := turn(t, e, "c1", Agent, "亲,保证后天就能送到", "run-1", at(10, 0))
	var sp *Nudge
	for i := range s.Nudges {
		if s.Nudges[i].Kind == NudgeShippingPromise {
			sp = &s.Nudges[i]
		}
	}
	if sp == nil {
		t.Fatalf("nudges = %v, want shipping_promise", kinds(s))
	}
	if !strings.Contains(sp.Suggested, "24小时") || strings.Contains(sp.Suggested, "{") {
		t.Errorf("suggested wording %q, want the shipping phrase filled with 24小时", sp.Suggested)
	}
	if sp.Rule == nil || sp.Rule.ID != "r-ship" {
		t.Errorf("rule = %+v, want r-ship", sp.Rule)
	}
}

func TestSameDayBeforeCutoffIsFine(t *testing.T) {
	e := newTestEngine(t)
	s := turn(t, e, "c1", Agent, "亲,现在拍今天就能发出", "run-1", at(11, 0))
	if has(kinds(s), NudgeShippingPromise) {
		t.Errorf("same-day promise at 11:00, cutoff 15:00, 24h product: nudges %v", kinds(s))
	}
	s = turn(t, e, "c2", Agent, "亲,现在拍今天就能发出", "run-1", at(16, 0))
	if !has(kinds(s), NudgeShippingPromise) {
		t.Errorf("same-day promise after the cutoff: nudges %v, want shipping_promise", kinds(s))
	}
}

func TestUnfillablePhraseIsNeverShownRaw(t *testing.T) {
	e := newTestEngine(t)
	// No product in view: {鞋面} cannot be filled.
	s := turn(t, e, "c1", Buyer, "鞋面透气吗", "", at(10, 0))
	for _, p := range s.Phrases {
		if strings.Contains(p.Text, "{") {
			t.Errorf("phrase %s shown raw: %q", p.ID, p.Text)
		}
	}
	s = turn(t, e, "c2", Buyer, "鞋面透气吗", "run-1", at(10, 0))
	if len(s.Phrases) == 0 || s.Phrases[0].ID != "s-upper" || !strings.Contains(s.Phrases[0].Text, "飞织网面") {
		t.Errorf("with the product in view: phrases %+v, want s-upper filled", s.Phrases)
	}
}

func TestTraditionalTurnRetrievesLikeItsSimplifiedTwin(t *testing.T) {
	e := newTestEngine(t)
	for _, pair := range [][2]string{
		{"不给我补偿我就给差评", "不給我補償我就給差評"},
		{"鞋盒压坏了,鞋子也破损了", "鞋盒壓壞了,鞋子也破損了"},
		{"跑鞋能便宜点吗", "跑鞋能便宜點嗎"},
		{"切尔西靴什么时候发货", "切爾西靴什麼時候發貨"},
	} {
		simp := turn(t, e, "s-"+pair[0], Buyer, pair[0], "", at(10, 0))
		trad := turn(t, e, "t-"+pair[0], Buyer, pair[1], "", at(10, 0))
		for _, cmp := range []struct {
			what      string
			got, want []string
		}{
			{"nudges", kinds(trad), kinds(simp)},
			{"products", productIDs(trad), productIDs(simp)},
			{"rules", ruleIDs(trad), ruleIDs(simp)},
			{"phrases", phraseIDs(trad), phraseIDs(simp)},
		} {
			if strings.Join(cmp.got, ",") != strings.Join(cmp.want, ",") {
				t.Errorf("%q vs %q: %s %v, want %v", pair[1], pair[0], cmp.what, cmp.got, cmp.want)
			}
		}
	}
}

func TestDraftCheckIsNotRecorded(t *testing.T) {
	e := newTestEngine(t)
	turn(t, e, "c1", Buyer, "跑鞋什么时候发", "run-1", at(10, 0))
	d, err := e.Check(chat(e, "c1"), "亲,这是全网最好的跑鞋,半小时内肯定发出", at(10, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !has(kinds(d), NudgeShippingPromise) || !has(kinds(d), NudgeWording) {
		t.Errorf("draft nudges = %v, want shipping_promise and wording", kinds(d))
	}
	s := turn(t, e, "c1", Agent, "亲,付款后24小时内发出", "", at(10, 2))
	if s.Turn != 1 {
		t.Errorf("turn index after a draft check = %d, want 1 (the draft is not a turn)", s.Turn)
	}
	if has(kinds(s), NudgeShippingPromise) {
		t.Errorf("a promise within the window raised %v", kinds(s))
	}
}

func TestUnknownProductAndRoleAreInvalid(t *testing.T) {
	e := newTestEngine(t)
	if _, err := e.Turn(chat(e, "c1"), Turn{Role: Buyer, Text: "在吗", Product: "nope"}); err == nil {
		t.Error("unknown product accepted")
	}
	if _, err := e.Turn(chat(e, "c1"), Turn{Role: "bot", Text: "在吗"}); err == nil {
		t.Error("unknown role accepted")
	}
}

func TestConcurrentConversations(t *testing.T) {
	e := newTestEngine(t)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			conv := "c" + string(rune('a'+g))
			for i := 0; i < 20; i++ {
				if _, err := e.Turn(chat(e, conv), Turn{Role: Buyer, Text: "跑鞋能便宜点吗", At: at(10, i)}); err != nil {
					t.Error(err)
					return
				}
			}
			if s, _ := e.Turn(chat(e, conv), Turn{Role: Buyer, Text: "好的", At: at(11, 0)}); s.Turn != 20 {
				t.Errorf("%s: turn index %d, want 20", conv, s.Turn)
			}
		}(g)
	}
	wg.Wait()
}

// BenchmarkTurn is one whole turn: state, cues, nudges, three searches and
// phrase filling. Run with -benchtime and compare p99 with `assist eval`.
// The same four lines come back, so after the first round every search is
// answered from the index's cache.
func BenchmarkTurn(b *testing.B) {
	e := newTestEngine(b)
	benchLines(b, e, func(int) string { return "" }, nil)
}

// BenchmarkTurnUnseen is BenchmarkTurn with every turn's line new to the
// engine (an order number no turn before held) and the search cache
// emptied before each turn: what a turn costs when chat does not repeat
// itself. (The order number alone no longer defeats the cache: it is a word
// no document holds, and such words do not part searches.)
func BenchmarkTurnUnseen(b *testing.B) {
	e, idx := engineAndIndex(b, shoeShop(b))
	benchLines(b, e, func(i int) string {
		idx.ForgetSearches() // outside the turn's time, without stopping the timer
		return orderNumber(i)
	}, nil)
}

// BenchmarkTurnCold is BenchmarkTurn with the processor's caches filled
// with other memory before each turn (untimed), as in a server where pushes
// to thousands of panels, commits and other shops' turns run between one
// conversation's turns: a turn there costs several times the warm one, in
// the dictionary's, the model's and the indexes' memory.
func BenchmarkTurnCold(b *testing.B) {
	e := newTestEngine(b)
	benchLines(b, e, func(int) string { return "" }, coldCaches())
}

// BenchmarkTurnUnseenCold is BenchmarkTurnUnseen with cold caches: a new
// line in a busy server.
func BenchmarkTurnUnseenCold(b *testing.B) {
	e, idx := engineAndIndex(b, shoeShop(b))
	cold := coldCaches()
	benchLines(b, e, orderNumber, func() { idx.ForgetSearches(); cold() })
}

// BenchmarkTurnRealLines plays the real buyer lines of the classifier's
// corpus (681 lines of other shops' chats) as buyer turns, each with an
// order number no turn before held, the search cache emptied before each
// pass over them: what a shop's turns cost when every line is new and the
// cache holds only what earlier lines of the pass share with it. It
// reports the share of searches the cache answered.
func BenchmarkTurnRealLines(b *testing.B) {
	ex, err := classify.Corpus()
	if err != nil {
		b.Fatal(err)
	}
	var lines []Turn
	for _, x := range ex {
		if strings.HasPrefix(x.Source, "real-buyer-messages:") {
			lines = append(lines, Turn{Role: Buyer, Text: x.Text})
		}
	}
	if len(lines) < 500 {
		b.Fatalf("%d real lines in the corpus", len(lines))
	}
	e, idx := engineAndIndex(b, shoeShop(b))
	hits0, misses0 := idx.CacheStats()
	took := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%len(lines) == 0 {
			idx.ForgetSearches()
		}
		t := lines[i%len(lines)]
		t.Text += orderNumber(i)
		t.At = at(10, 0)
		start := time.Now()
		if _, err := e.Turn(chat(e, "real-"+strconv.Itoa(i%40)), t); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	hits, misses := idx.CacheStats()
	b.ReportMetric(100*float64(hits-hits0)/float64(hits-hits0+misses-misses0), "cached-%")
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}

func orderNumber(i int) string { return fmt.Sprintf(" 订单%d", 100000+i) }

// coldCaches returns a func that writes 64 MiB, more than the processor's
// caches hold.
func coldCaches() func() {
	other := make([]byte, 64<<20)
	return func() {
		for i := 0; i < len(other); i += 64 {
			other[i]++
		}
	}
}

// benchLines plays four lines round-robin on e, the i-th with more(i) added
// to its text and between run before it (untimed, if not nil), and reports
// p50 and p99.
func benchLines(b *testing.B, e *Engine, more func(i int) string, between func()) {
	lines := []Turn{
		{Role: Buyer, Text: "跑鞋能便宜点吗,两双有优惠吗", Product: "run-1"},
		{Role: Agent, Text: "亲,明天一定给您发出,保证后天到"},
		{Role: Buyer, Text: "收到鞋子开胶了,你们怎么卖这种东西"},
		{Role: Buyer, Text: "不给我补偿我就给差评"},
	}
	took := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := lines[i%len(lines)]
		t.Text += more(i)
		t.At = at(10, 0)
		if between != nil {
			b.StopTimer()
			between()
			b.StartTimer()
		}
		start := time.Now()
		if _, err := e.Turn(chat(e, "bench"), t); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}

func TestReplayRestoresState(t *testing.T) {
	e := newTestEngine(t)
	stored := []Turn{
		{Role: Buyer, Text: "切尔西靴是真皮的吗", At: at(10, 0)},
		{Role: Agent, Text: "是的亲,头层牛皮", At: at(10, 1)},
	}
	e.Replay(chat(e, "c1"), stored)
	e.Replay(chat(e, "c1"), stored) // a second restore must not double the turns
	s := turn(t, e, "c1", Buyer, "什么时候发货", "", at(10, 2))
	if s.Turn != 2 || s.Product != "boot-pre" {
		t.Errorf("after replay: turn %d, product %q; want turn 2 on boot-pre", s.Turn, s.Product)
	}
}

func TestReloadWhileTurnsRun(t *testing.T) {
	e := newTestEngine(t)
	shop := e.Shop()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := e.Turn(chat(e, "r"+strconv.Itoa(g)), Turn{Role: Buyer, Text: "跑鞋能便宜点吗", At: at(10, 0)}); err != nil {
					t.Errorf("turn during reload: %v", err)
					return
				}
			}
		}(g)
	}
	for i := 0; i < 3; i++ {
		idx, err := index.Build(filepath.Join(t.TempDir(), "index"), shop)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Reload(shop, idx); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

// A greeting that names the shop's products shares words with a complaint
// about one of them; it must not be offered as the answer.
func TestGreetingIsNotTheAnswerToAComplaint(t *testing.T) {
	shop := shoeShop(t)
	shop.Phrases = append(shop.Phrases, kb.Phrase{ID: "s-hello", Scene: kb.SceneGreeting, Title: "欢迎",
		Text: "亲,欢迎光临~跑步鞋、运动袜、短靴都有现货,想看哪款?", Tags: []string{"你好", "在吗"}})
	e := engineFor(t, shop)
	hello := turn(t, e, "c1", Buyer, "你好,在吗", "", at(10, 0))
	if got := phraseIDs(hello); len(got) == 0 || got[0] != "s-hello" {
		t.Errorf("phrases for a greeting = %v, want s-hello first", got)
	}
	s := turn(t, e, "c2", Buyer, "跑步鞋质量太差了,穿两天就坏", "", at(10, 0))
	if !has(kinds(s), NudgeEvidence) {
		t.Fatalf("nudges %v, want evidence", kinds(s))
	}
	if got := phraseIDs(s); len(got) == 0 || got[0] == "s-hello" {
		t.Errorf("phrases for a quality complaint = %v, want anything but the greeting first", got)
	}
}
