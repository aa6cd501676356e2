package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCorpusFigures runs `assist corpus -json` on the embedded corpus and
// pins the leave-one-trade-out and real-line figures as floors: a change to
// the lexicon, the corpus or the model that loses ground fails here.
func TestCorpusFigures(t *testing.T) {
	code, stdout, stderr := runAssist(t, "corpus", "-json")
	if code != 0 {
		t.Fatalf("corpus exit %d: %s", code, stderr)
	}
	var r corpusReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("corpus -json: %v\n%s", err, stdout)
	}
	kind := func(rs *readerScores, name string) float64 {
		for _, s := range rs.Kinds {
			if s.Name == name {
				return s.Recall()
			}
		}
		t.Fatalf("no kind %s in %+v", name, rs.Kinds)
		return 0
	}
	cv, real := r.CV[readerBoth], r.Real[readerBoth]
	t.Logf("cv: macro recall %.3f, wrong-kind rate %.4f, evidence %.3f, upsell %.3f; real lines: macro %.3f, wrong-kind %.4f, evidence %.3f (lexicon alone %.3f), upsell %.3f",
		cv.MacroRecall, cv.FARate, kind(cv, "evidence"), kind(cv, "upsell"),
		real.MacroRecall, real.FARate, kind(real, "evidence"), kind(r.Real[readerLexicon], "evidence"), kind(real, "upsell"))
	for _, f := range []struct {
		name      string
		got, want float64
		atMost    bool
	}{
		{"cv macro recall", cv.MacroRecall, 0.86, false},
		{"cv wrong-kind rate", cv.FARate, 0.018, true},
		{"cv evidence recall", kind(cv, "evidence"), 0.82, false},
		{"cv upsell recall", kind(cv, "upsell"), 0.95, false},
		{"real macro recall", real.MacroRecall, 0.71, false},
		{"real wrong-kind rate", real.FARate, 0.034, true},
		{"real evidence recall", kind(real, "evidence"), 0.80, false},
		{"real upsell recall", kind(real, "upsell"), 0.83, false},
	} {
		if f.atMost && f.got > f.want || !f.atMost && f.got < f.want {
			t.Errorf("%s = %.4f, floor %.3f", f.name, f.got, f.want)
		}
	}
	// The classifier earns its place: together the layers find more than
	// the lexicon alone, on held-out trades and on real lines.
	if cv.MacroRecall <= r.CV[readerLexicon].MacroRecall || kind(real, "evidence") <= kind(r.Real[readerLexicon], "evidence") {
		t.Errorf("the two layers find no more than the lexicon alone: cv %.3f vs %.3f", cv.MacroRecall, r.CV[readerLexicon].MacroRecall)
	}
}

func TestCorpusBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.tsv")
	if err := os.WriteFile(path, []byte("buyer\tnone\tfood\tteam-written\t你好\nbuyer\tmissing\tfood\tteam-written\t少了\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runAssist(t, "corpus", "-corpus", path)
	if code == 0 || !strings.Contains(stderr, "bad.tsv:2: category \"missing\"") {
		t.Errorf("exit %d, stderr %q: want a failure naming bad.tsv:2 and the category", code, stderr)
	}
	if code, _, _ := runAssist(t, "corpus", "-threshold", "2"); code != 2 {
		t.Errorf("-threshold 2: exit %d, want 2", code)
	}
}
