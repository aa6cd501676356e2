package setparts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The shape of a suggestion set as the assistant sends it (a mirror: kb
// does not import the assistant).
type set struct {
	Conversation string    `json:"conversation"`
	Turn         int       `json:"turn"`
	Role         string    `json:"role"`
	Text         string    `json:"text"`
	At           time.Time `json:"at"`
	Product      string    `json:"product,omitempty"`
	Nudges       []nudge   `json:"nudges"`
	Products     []product `json:"products"`
	Rules        []rule    `json:"rules"`
	Phrases      []phrase  `json:"phrases"`
}

type nudge struct {
	Kind     string   `json:"kind"`
	Reason   string   `json:"reason"`
	Triggers []string `json:"triggers"`
	Why      []string `json:"why,omitempty"`
}

type product struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Price  float64  `json:"price"`
	Facts  []fact   `json:"facts"`
	InView bool     `json:"in_view,omitempty"`
	Score  float64  `json:"score"`
	Tags   []string `json:"tags,omitempty"`
}

type fact struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type rule struct {
	ID    string  `json:"id"`
	Text  string  `json:"text"`
	Score float64 `json:"score"`
}

type phrase struct {
	ID    string  `json:"id"`
	Text  string  `json:"text"`
	Score float64 `json:"score"`
}

var cst = time.FixedZone("CST", 8*3600)

func sampleSet(conv string, turn int, text string, at time.Time) set {
	return set{Conversation: conv, Turn: turn, Role: "buyer", Text: text, At: at, Product: "cup-1",
		Nudges: []nudge{{Kind: "evidence", Reason: "买家反馈破损:“裂缝”", Triggers: []string{"裂缝"}}},
		Products: []product{
			{ID: "cup-1", Title: "双层玻璃杯 <350毫升> & 滤网", Price: 59, Facts: []fact{{"材质", "高硼硅玻璃"}, {"容量", "350毫升"}}, InView: true, Score: 1},
			{ID: "tea-2", Title: "茉莉花茶", Price: 49.9, Facts: []fact{{"产地", "福州"}}, Score: 0.04958592498272483},
		},
		Rules:   []rule{{ID: "law-1", Text: "收件人有权当面验收\u2028第二段", Score: 1.7715415826084193}},
		Phrases: []phrase{{ID: "say-1", Text: "亲,请拍一下破损处的照片~", Score: 1.6}},
	}
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// roundTrip splits set and joins it back from the parts, as a store would
// after giving each part an id.
func roundTrip(t testing.TB, data []byte, row Row) (*Split, []byte) {
	t.Helper()
	s := SplitSet(data, row)
	if s == nil {
		return nil, nil
	}
	ids := make([]int64, len(s.Parts))
	store := map[int64][]byte{}
	for i, p := range s.WithBodies() {
		ids[i] = int64(1000 + i*37)
		store[ids[i]] = p.Body
	}
	code := s.Code(ids)
	got, err := Join(code, row, func(id int64) ([]byte, bool) { b, ok := store[id]; return b, ok })
	if err != nil {
		t.Fatalf("join %s: %v", data, err)
	}
	return s, got
}

func TestSetComesBackByteForByte(t *testing.T) {
	at := time.Date(2026, 11, 28, 21, 24, 35, 123456789, cst)
	row := Row{Conversation: "c-1", Index: 3, Role: "buyer", Text: "杯子有裂缝,漏水 <急>", At: at}
	base := sampleSet(row.Conversation, row.Index, row.Text, at)
	cases := []struct {
		name string
		edit func(s *set)
		row  Row
	}{
		{"as sent", func(s *set) {}, row},
		{"empty lists", func(s *set) { s.Nudges, s.Products, s.Rules, s.Phrases = []nudge{}, []product{}, []rule{}, []phrase{} }, row},
		{"nil lists (null)", func(s *set) { s.Nudges, s.Rules = nil, nil }, row},
		{"time in UTC", func(s *set) { s.At = at.UTC() }, Row{row.Conversation, row.Index, row.Role, row.Text, at.UTC()}},
		{"row time in another zone", func(s *set) {}, Row{row.Conversation, row.Index, row.Role, row.Text, at.UTC()}},
		{"row time a microsecond off", func(s *set) {}, Row{row.Conversation, row.Index, row.Role, row.Text, at.Truncate(time.Microsecond)}},
		{"text not the row's", func(s *set) { s.Text = "另一句" }, row},
		{"turn not the row's", func(s *set) { s.Turn = 9 }, row},
		{"tiny and huge scores", func(s *set) { s.Products[0].Score, s.Products[1].Score, s.Rules[0].Score = 1e-7, 2.5e21, -0.5 }, row},
		{"zero score", func(s *set) { s.Products[0].Score = 0 }, row},
		{"a list of strings", func(s *set) { s.Products[0].Tags = []string{"a", "b"} }, row},
		{"invalid UTF-8 in text", func(s *set) { s.Text = "坏\xff字" }, Row{row.Conversation, row.Index, row.Role, "坏\xff字", at}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := base
			s.Products = append([]product(nil), base.Products...)
			s.Rules = append([]rule(nil), base.Rules...)
			c.edit(&s)
			data := marshal(t, s)
			split, got := roundTrip(t, data, c.row)
			if split == nil {
				t.Fatalf("not split: %s", data)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("joined\n%s\nwant\n%s", got, data)
			}
		})
	}
}

// The per-turn code is what each turn pays once the parts are stored: a
// few bytes per suggestion, not the set's kilobytes.
func TestCodeIsSmall(t *testing.T) {
	at := time.Date(2026, 11, 28, 21, 24, 35, 0, cst)
	row := Row{Conversation: "c-1", Index: 3, Role: "buyer", Text: "杯子有裂缝,漏水", At: at}
	data := marshal(t, sampleSet(row.Conversation, row.Index, row.Text, at))
	s := SplitSet(data, row)
	if s == nil {
		t.Fatal("not split")
	}
	ids := make([]int64, len(s.Parts))
	for i := range ids {
		ids[i] = int64(100000 + i)
	}
	code := s.Code(ids)
	// 5 suggestions and the outline: 3-byte ids, 9-byte float scores for
	// three of them, a byte for the whole score 1.
	if len(code) > 56 {
		t.Errorf("code is %d bytes for a %d-byte set, want at most 56", len(code), len(data))
	}
	if strings.Contains(string(s.Parts[0].Body), row.Text) || strings.Contains(string(s.Parts[0].Body), "2026-11-28") {
		t.Errorf("the outline repeats the turn's text or time: %q", s.Parts[0].Body)
	}
}

// A product shown again in another conversation, with another score, is
// the same part: stored once.
func TestSamePartAcrossTurns(t *testing.T) {
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, cst)
	a := sampleSet("c-1", 0, "有裂缝", at)
	b := sampleSet("c-2", 5, "漏水了", at.Add(time.Hour))
	b.Products[0].Score = 0.3
	sa := SplitSet(marshal(t, a), Row{"c-1", 0, "buyer", "有裂缝", at})
	sb := SplitSet(marshal(t, b), Row{"c-2", 5, "buyer", "漏水了", at.Add(time.Hour)})
	if sa == nil || sb == nil {
		t.Fatal("not split")
	}
	hashes := map[[16]byte]bool{}
	for _, p := range sa.Parts {
		hashes[p.Hash] = true
	}
	for _, p := range sb.WithBodies() {
		if !hashes[p.Hash] {
			t.Errorf("part %s of the second set is new", p.Body)
		}
	}
}

// A scored element's body is made only when a store asks for it, and its
// hash, taken from the body's pieces, is the hash of that body: a part
// stored before the pieces keeps its id. Sets with more parts than a split
// looks through one by one (a map then) and with repeated elements too.
func TestPartsAreNamedByTheirBodies(t *testing.T) {
	at := time.Date(2026, 11, 28, 21, 24, 35, 123456789, cst)
	small, row := benchSet(at)
	big := sampleSet(row.Conversation, row.Index, row.Text, at)
	for i := range 3 * manyParts {
		big.Phrases = append(big.Phrases, phrase{ID: fmt.Sprintf("say-%d", i%(2*manyParts)), Text: "亲~", Score: float64(i%5) / 3})
	}
	for _, data := range [][]byte{small, marshal(t, big)} {
		s := SplitSet(data, row)
		if s == nil {
			t.Fatalf("%.80s… not split", data)
		}
		lazy := 0
		for _, p := range s.Parts {
			if p.Body == nil {
				lazy++
			}
		}
		if lazy == 0 {
			t.Errorf("%d parts, every one with its body made before a store asked", len(s.Parts))
		}
		seen := map[[16]byte]bool{}
		for i, p := range s.WithBodies() {
			if p.Body == nil || hashOf(p.Body) != p.Hash {
				t.Errorf("part %d: body %q, hash %x, want the hash of the body", i, p.Body, p.Hash)
			}
			if seen[p.Hash] {
				t.Errorf("part %d (%q) kept twice", i, p.Body)
			}
			seen[p.Hash] = true
		}
		if _, got := roundTrip(t, data, row); !bytes.Equal(got, data) {
			t.Errorf("joined back:\n%s\nwant\n%s", got, data)
		}
	}
}

func TestLeftWhole(t *testing.T) {
	row := Row{Conversation: "c", Index: 0, Role: "buyer", Text: "x", At: time.Unix(0, 0)}
	for _, data := range []string{``, `[]`, `"x"`, `{"a":1`, "{\"a\":\"\x00\"}", `{} {}`} {
		if s := SplitSet([]byte(data), row); s != nil {
			t.Errorf("%q was split into %d parts, want it left whole", data, len(s.Parts))
		}
	}
	// Whitespace, as another writer might leave, still comes back exactly
	// (or is left whole).
	spaced := []byte(`{ "turn": 0, "items": [ {"id": "a", "score": 1} , {"id":"b"} ] }`)
	if s, got := roundTrip(t, spaced, row); s != nil && !bytes.Equal(got, spaced) {
		t.Errorf("joined %s, want %s", got, spaced)
	}
}

func TestBadCodes(t *testing.T) {
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, cst)
	row := Row{"c-1", 0, "buyer", "有裂缝", at}
	s := SplitSet(marshal(t, sampleSet("c-1", 0, "有裂缝", at)), row)
	ids := make([]int64, len(s.Parts))
	store := map[int64][]byte{}
	for i, p := range s.WithBodies() {
		ids[i] = int64(i + 1)
		store[ids[i]] = p.Body
	}
	code := s.Code(ids)
	lookup := func(id int64) ([]byte, bool) { b, ok := store[id]; return b, ok }
	for i := 0; i < len(code); i++ {
		if _, err := Join(code[:i], row, lookup); err == nil {
			t.Errorf("code cut to %d of %d bytes joined", i, len(code))
		}
	}
	delete(store, ids[len(ids)-1])
	if _, err := Join(code, row, lookup); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a missing part: %v, want an error naming it", err)
	}
}

// Many generated sets, of every shape the scores and texts take, come back
// exactly through a cache that is too small to hold them all.
func TestManySetsThroughTheCache(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	parts := map[int64][]byte{}
	ids := map[[16]byte]int64{}
	cache := NewCache(4 << 10)
	var stored []Stored
	var want [][]byte
	start := time.Date(2026, 11, 1, 8, 0, 0, 0, cst)
	for i := range 2000 {
		conv := fmt.Sprintf("c%d", i/8)
		row := Row{Conversation: conv, Index: i % 8, Role: []string{"buyer", "agent"}[i%2],
			Text: fmt.Sprintf("第%d句 %s", i, []string{"在吗", "<b>&", "\u2028", `"引号"`}[rnd.IntN(4)]),
			At:   start.Add(time.Duration(rnd.Int64N(int64(90 * 24 * time.Hour))))}
		s := sampleSet(conv, row.Index, row.Text, row.At)
		s.Role = row.Role
		s.Products[0].Score = rnd.Float64() * 3
		s.Products[1].Score = float64(rnd.IntN(5))
		s.Phrases[0].Text = fmt.Sprintf("亲爱的买家%d,请拍照~", rnd.IntN(50))
		if rnd.IntN(3) == 0 {
			s.Nudges = []nudge{}
		}
		data := marshal(t, s)
		sp := SplitSet(data, row)
		if sp == nil {
			t.Fatalf("set %d not split: %s", i, data)
		}
		pid := make([]int64, len(sp.Parts))
		for j, p := range sp.WithBodies() {
			id, ok := ids[p.Hash]
			if !ok {
				id = int64(len(ids) + 1)
				ids[p.Hash] = id
				parts[id] = p.Body
			}
			pid[j] = id
		}
		stored = append(stored, Stored{Row: row, Code: sp.Code(pid)})
		want = append(want, data)
	}
	stored = append(stored, Stored{Row: Row{Index: 99}, Plain: []byte(`{"old":true}`)})
	want = append(want, []byte(`{"old":true}`))
	fetches := 0
	fetch := func(ids []int64) (map[int64][]byte, error) {
		fetches++
		out := map[int64][]byte{}
		for _, id := range ids {
			out[id] = parts[id]
		}
		return out, nil
	}
	for round := range 2 {
		for from := 0; from < len(stored); from += 50 {
			to := min(from+50, len(stored))
			got, err := cache.JoinAll(stored[from:to], fetch)
			if err != nil {
				t.Fatal(err)
			}
			for k := range got {
				if !bytes.Equal(got[k], want[from+k]) {
					t.Fatalf("round %d set %d joined\n%s\nwant\n%s", round, from+k, got[k], want[from+k])
				}
			}
		}
	}
	if len(ids) > 200 {
		t.Errorf("%d distinct parts for 2000 sets, want the repeats shared", len(ids))
	}
}

func FuzzSplitJoin(f *testing.F) {
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, cst)
	f.Add(string(marshal(f, sampleSet("c", 0, "x", at))), "c", 0, "x")
	f.Add(`{"a":[{"score":1e5},{"score":"1"}],"b":[],"text":"x"}`, "c", 0, "x")
	f.Fuzz(func(t *testing.T, data, conv string, idx int, text string) {
		row := Row{Conversation: conv, Index: idx, Role: "buyer", Text: text, At: at}
		if s, got := roundTrip(t, []byte(data), row); s != nil && !bytes.Equal(got, []byte(data)) {
			t.Fatalf("joined %q, want %q", got, data)
		}
	})
}

// A store that keeps times to the microsecond (PostgreSQL), or a set moved
// into one from a store that kept nanoseconds, still gives back the set's
// time to the nanosecond.
func TestTimeBelowTheMicrosecond(t *testing.T) {
	at := time.Date(2026, 11, 28, 21, 24, 35, 123456789, cst)
	row := Row{Conversation: "c-1", Index: 0, Role: "buyer", Text: "在吗", At: at}
	data := marshal(t, sampleSet(row.Conversation, row.Index, row.Text, at))
	s := SplitSet(data, row)
	if s == nil {
		t.Fatal("not split")
	}
	store := map[int64][]byte{}
	ids := make([]int64, len(s.Parts))
	for i, p := range s.WithBodies() {
		ids[i] = int64(i + 1)
		store[ids[i]] = p.Body
	}
	kept := row
	kept.At = at.Truncate(time.Microsecond).UTC()
	got, err := Join(s.Code(ids), kept, func(id int64) ([]byte, bool) { b, ok := store[id]; return b, ok })
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("joined with the time kept to the microsecond: %v\n%s\nwant\n%s", err, got, data)
	}
}

// benchSet is a set of the size a busy shop's turns send (about 4 KB:
// four product cards with their facts, three statute articles, six
// phrases, two nudges).
func benchSet(at time.Time) ([]byte, Row) {
	row := Row{Conversation: "c-42", Index: 17, Role: "buyer", Text: "收到的杯子有裂缝,能退吗", At: at}
	s := sampleSet(row.Conversation, row.Index, row.Text, at)
	s.Nudges = append(s.Nudges, nudge{Kind: "upsell", Reason: "买家议价:“便宜点”", Triggers: []string{"便宜", "优惠"}, Why: []string{"满减", "搭配"}})
	for i := range 4 {
		p := product{ID: fmt.Sprintf("p-%d", i), Title: strings.Repeat("保温杯", 6), Price: 39.9 + float64(i), Score: 0.5 / float64(i+1)}
		for j := range 6 {
			p.Facts = append(p.Facts, fact{fmt.Sprintf("参数%d", j), strings.Repeat("不锈钢", 4)})
		}
		s.Products = append(s.Products, p)
	}
	for i := range 3 {
		s.Rules = append(s.Rules, rule{ID: fmt.Sprintf("law-%d", i), Text: strings.Repeat("经营者应当保证其提供的商品符合安全要求。", 8), Score: 1.25 / float64(i+1)})
	}
	for i := range 6 {
		s.Phrases = append(s.Phrases, phrase{ID: fmt.Sprintf("say-%d", i), Text: strings.Repeat("亲,麻烦您拍照给我们看看~", 3), Score: 2.5 / float64(i+1)})
	}
	data, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return data, row
}

// BenchmarkSplitSet cuts a set whose parts were cut before (most turns:
// the same cards, rules and phrases again) and sets whose parts are all new
// (a memo of parts' hashes does not help these).
func BenchmarkSplitSet(b *testing.B) {
	at := time.Date(2026, 11, 28, 21, 24, 35, 123456789, cst)
	b.Run("parts=seen", func(b *testing.B) {
		data, row := benchSet(at)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if SplitSet(data, row) == nil {
				b.Fatal("not split")
			}
		}
	})
	b.Run("parts=new", func(b *testing.B) {
		// More distinct sets than the memo holds, each part of each set
		// its own (every string a set holds is marked with its number).
		sets := make([][]byte, 2048)
		data, row := benchSet(at)
		for i := range sets {
			sets[i] = bytes.ReplaceAll(data, []byte("亲"), fmt.Appendf(nil, "亲%d", i))
			sets[i] = bytes.ReplaceAll(sets[i], []byte("不锈钢"), fmt.Appendf(nil, "不锈钢%d", i))
			sets[i] = bytes.ReplaceAll(sets[i], []byte("经营者"), fmt.Appendf(nil, "经营者%d", i))
		}
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if SplitSet(sets[i%len(sets)], row) == nil {
				b.Fatal("not split")
			}
			i++
		}
	})
}
