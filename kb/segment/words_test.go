package segment

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseWords(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []word
		wantErr string
	}{
		{"word with and without frequency", "差评\n包邮 50\n", []word{{"差评", DefaultFreq}, {"包邮", 50}}, ""},
		{"comments and blank lines skipped", "# heading\n\n退款 # refund\n", []word{{"退款", DefaultFreq}}, ""},
		{"traditional folded", "運費險\n", []word{{"运费险", DefaultFreq}}, ""},
		{"bad frequency names the line", "差评\n包邮 lots\n", nil, "w.txt:2: frequency \"lots\""},
		{"too many fields names the line", "包 邮 吗 啊\n", nil, "w.txt:1: want"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseWords(tt.text, "w.txt")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

var addWordsRan bool

func TestAddWords(t *testing.T) {
	// Made-up shop words: a tea blend and a charger model.
	const tea, charger = "雾岭白毫银针", "闪充魔方"
	// With -count>1 the process-wide segmenter already knows the words.
	if !addWordsRan && slices.Contains(Words("我要"+tea), tea) {
		t.Fatalf("%s already known before AddWords: test needs an unknown word", tea)
	}
	addWordsRan = true
	start := time.Now()
	AddWords([]string{tea, "Volt " + charger + " PD20W", "plain ascii"})
	t.Logf("AddWords re-weighed the dictionary in %v", time.Since(start).Round(time.Millisecond))

	tests := []struct {
		name string
		in   string
		want []string // must all be among the terms
	}{
		{"taught word cut whole", "我要" + tea, []string{tea}},
		{"taught word still yields its parts", tea + "还有吗", []string{tea, "白毫", "银针"}},
		{"piece of a title with spaces and ascii", "买个" + charger, []string{charger}},
		{"traditional query meets taught word", "閃充魔方包郵嗎", []string{charger, "包邮"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Words(tt.in)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Words(%q) = %v, want it to contain %q", tt.in, got, w)
				}
			}
		})
	}
}

func TestLoadWordsFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "words.txt")
	if err := os.WriteFile(good, []byte("# admin words\n蜜桃乌龙冷泡 500\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := LoadWordsFile(good); err != nil {
		t.Fatal(err)
	}
	if got := Words("蜜桃乌龙冷泡好喝吗"); !slices.Contains(got, "蜜桃乌龙冷泡") {
		t.Errorf("Words = %v, want the admin word whole", got)
	}

	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("好词\n坏词 -3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := LoadWordsFile(bad)
	if err == nil || !strings.Contains(err.Error(), bad+":2") {
		t.Errorf("err = %v, want it to name %s:2", err, bad)
	}
	if err := LoadWordsFile(filepath.Join(dir, "missing.txt")); err == nil {
		t.Error("missing file: no error")
	}
}

// TestAddWordsWhileCutting runs Tokens while words are added; run with
// -race to check the lock.
func TestAddWordsWhileCutting(t *testing.T) {
	Segmenter()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if w := Words("这双跑鞋偏小吗，包邮吗"); !slices.Contains(w, "包邮") {
					t.Errorf("Words = %v during AddWords", w)
					return
				}
			}
		})
	}
	AddWords([]string{"轻羽跑鞋", "云朵鞋垫"})
	close(stop)
	wg.Wait()
	if w := Words("云朵鞋垫"); !slices.Contains(w, "云朵鞋垫") {
		t.Errorf("Words = %v, want the added word", w)
	}
}

// The stop list is data: each entry must be a word the segmenter really cuts
// (else it is dead weight), and no domain word of words.txt may be on it.
func TestStopwords(t *testing.T) {
	if len(stop) < 50 {
		t.Fatalf("stopwords.txt gives %d words; the embedded list did not load", len(stop))
	}
	domain, err := parseWords(embeddedWords, "words.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range domain {
		if stop[w.text] {
			t.Errorf("%q is both a domain word (words.txt) and a stop word", w.text)
		}
	}
	for w := range stop {
		c := reading()
		segs := c.seg.Segment([]byte(w))
		c.mu.RUnlock()
		if len(segs) != 1 {
			t.Errorf("stop word %q is cut into %d pieces, so it never matches a token", w, len(segs))
		}
		if got := Words(w); len(got) != 0 {
			t.Errorf("Words(%q) = %v, want nothing", w, got)
		}
	}
}

// The fingerprint names the gse module go.mod pins: a dictionary upgrade
// must change it, so indexes cut with the old dictionary are rebuilt.
func TestFingerprintNamesTheGseInGoMod(t *testing.T) {
	b, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), gseVersion) {
		t.Errorf("go.mod does not require %q: update gseVersion with it", gseVersion)
	}
}
