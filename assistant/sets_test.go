package assistant_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"assist/assistant"
	"assist/assistant/eval"
	"assist/kb/bundle"
	"assist/kb/index"
)

var updateSets = flag.Bool("update-sets", false, "rewrite testdata/sets.golden from what the engine answers now")

// setShops are the shops whose every suggestion set is pinned: the labelled
// shops of the repository, played in this order (the segmenter learns each
// shop's words, so the order is part of what is pinned).
var setShops = []struct{ name, shop, cases string }{
	{"charger", "eval/testdata/charger-shop.json", "eval/testdata/charger-cases.jsonl"},
	{"phone-accessories", "../testdata/shops/phone-accessories/shop.json", "../testdata/shops/phone-accessories/cases.jsonl"},
	{"beauty-skincare", "../testdata/shops/beauty-skincare/shop.json", "../testdata/shops/beauty-skincare/cases.jsonl"},
}

// setsChild marks the process that plays the pinned shops.
const setsChild = "ASSIST_PLAY_SETS"

// setsClock is the time of turns whose case gives none.
var setsClock = time.Date(2026, 11, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// playSets plays every case of a shop through a fresh engine, twice (the
// second time as new conversations, when every search of the first is
// cached), and returns one line per turn: case, turn and a digest of the
// suggestion set as JSON. It fails the test when the second pass answers
// other than the first.
func playSets(t *testing.T, name, shopPath, casesPath string) []string {
	t.Helper()
	shop, err := bundle.Load(shopPath)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := eval.LoadCases(casesPath)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := index.Build(filepath.Join(t.TempDir(), "index"), shop)
	if err != nil {
		t.Fatal(err)
	}
	e, err := assistant.New(assistant.Config{Shop: shop, Index: idx, Now: func() time.Time { return setsClock }})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var first []string
	for pass := range 2 {
		n := 0
		for _, c := range cases {
			chat := assistant.NewConversation(c.ID)
			for i, turn := range c.Turns {
				in := assistant.Turn{Role: assistant.Role(turn.Role), Text: turn.Text, At: c.At}
				if i == 0 {
					in.Product = c.Product
				}
				s, err := e.Turn(chat, in)
				var b []byte
				if err != nil {
					b = []byte("error: " + err.Error())
				} else if b, err = json.Marshal(s); err != nil {
					t.Fatal(err)
				} else if enc, err := assistant.EncodeSet(s); err != nil || !bytes.Equal(enc, b) {
					t.Errorf("%s case %s turn %d: EncodeSet gives %s (%v), json.Marshal %s", name, c.ID, i, enc, err, b)
				}
				sum := sha256.Sum256(roundScores(b))
				line := fmt.Sprintf("%s %s %d %s", name, c.ID, i, hex.EncodeToString(sum[:8]))
				if pass == 0 {
					first = append(first, line)
				} else if line != first[n] {
					t.Errorf("%s case %s turn %d: played again, the set differs:\n%s", name, c.ID, i, b)
				}
				n++
			}
		}
		if pass == 0 {
			hits, misses := idx.CacheStats()
			t.Logf("%s: %d turns played once, %d of %d searches answered from the cache", name, n, hits, hits+misses)
		}
	}
	if hits, _ := idx.CacheStats(); hits == 0 {
		t.Errorf("%s: no search answered from the cache on the second pass", name)
	}
	return first
}

// scoreField is a score in a suggestion set as JSON.
var scoreField = regexp.MustCompile(`"score":[-0-9.e+]+`)

// roundScores rounds the scores of a set to 9 significant digits: bleve's
// BM25 sums can differ in the last bit between two builds of the same index
// (documents are analysed in parallel), so the last bits are not pinned.
func roundScores(b []byte) []byte {
	return scoreField.ReplaceAllFunc(b, func(m []byte) []byte {
		f, err := strconv.ParseFloat(string(m[len(`"score":`):]), 64)
		if err != nil {
			return m
		}
		return []byte(`"score":` + strconv.FormatFloat(f, 'g', 9, 64))
	})
}

// Every suggestion set of the labelled shops is what it was when
// testdata/sets.golden was written: work on speed must not change a single
// one. A change meant to change suggestions rewrites the file with
// -update-sets and says why in its commit.
//
// The segmenter learns the words of every shop indexed in the process, and
// other tests index other shops, so the shops are played in a process of
// their own.
func TestSuggestionSetsArePinned(t *testing.T) {
	if testing.Short() {
		t.Skip("plays every labelled case of three shops")
	}
	if os.Getenv(setsChild) == "" {
		args := []string{"-test.run=^TestSuggestionSetsArePinned$", "-test.count=1", "-test.v"}
		if *updateSets {
			args = append(args, "-update-sets")
		}
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), setsChild+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("playing the shops in a process of their own: %v\n%s", err, out)
		}
		return
	}
	var got []string
	for _, s := range setShops {
		got = append(got, playSets(t, s.name, s.shop, s.cases)...)
	}
	golden := filepath.Join("testdata", "sets.golden")
	if *updateSets {
		if err := os.WriteFile(golden, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		want = append(want, sc.Text())
	}
	if len(got) != len(want) {
		t.Fatalf("%d turns played, %s pins %d", len(got), golden, len(want))
	}
	diff := 0
	for i := range got {
		if got[i] != want[i] {
			diff++
			if diff <= 10 {
				t.Errorf("set changed: got %s, pinned %s", got[i], want[i])
			}
		}
	}
	if diff > 0 {
		t.Errorf("%d of %d suggestion sets changed", diff, len(got))
	}
}

// The example shop in the shared folder, when it is there, answers the
// same sets whether its searches come from bleve or the cache (its sets
// are not pinned: no line of it may be copied into the repository).
func TestExampleShopSameFromCache(t *testing.T) {
	shared := filepath.Join("..", "..", "shared", "eval")
	shop, cases := filepath.Join(shared, "dev-shop.json"), filepath.Join(shared, "dev-cases.jsonl")
	if _, err := os.Stat(shop); err != nil {
		t.Skipf("no example shop here: %v", err)
	}
	playSets(t, "example", shop, cases)
}
