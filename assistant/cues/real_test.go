package cues

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"
)

// realMessages is a file of unlabelled buyer lines from other shops, one a
// line; CUES_REAL_MESSAGES points elsewhere.
const realMessages = "/work/shared/eval/real-buyer-messages.txt"

// TestRealBuyerMessages runs Detect over real chat: nothing may panic, every
// cue word must be the buyer's own text, and no agent-only kind may fire.
// Counts and the lines behind evidence and upsell are logged for review
// (go test -run RealBuyer -v).
func TestRealBuyerMessages(t *testing.T) {
	path := realMessages
	if p := os.Getenv("CUES_REAL_MESSAGES"); p != "" {
		path = p
	}
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("no real messages: %v", err)
	}
	defer f.Close()
	lex := Default()
	counts := map[string]int{}
	examples := map[string][]string{}
	lines := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		lines++
		for _, c := range lex.Detect("buyer", line) {
			if kindRole[c.Kind] != "buyer" {
				t.Errorf("%q: agent kind %s fired in a buyer turn", line, c.Kind)
			}
			for _, w := range c.Words {
				if !strings.Contains(line, w) {
					t.Errorf("%q: cue word %q is not in the text", line, w)
				}
			}
			key := string(c.Kind) + "/" + c.Category
			counts[key]++
			if c.Kind == Evidence || c.Kind == Upsell || len(examples[key]) < 3 {
				examples[key] = append(examples[key], line+"  ←  "+strings.Join(c.Words, " | "))
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%d lines", lines)
	for _, k := range keys {
		t.Logf("%-26s %d", k, counts[k])
	}
	for _, k := range keys {
		for _, e := range examples[k] {
			t.Logf("%s: %s", k, e)
		}
	}
}
