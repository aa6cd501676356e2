package assistant

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestRealBuyerLines plays every line of real buyer messages from other shops
// (unlabelled) through the engine, each as a fresh conversation: nothing may
// fail, and the counts per nudge are logged for a person to read. Run with
// -v to see them and ASSIST_SHOW_LINES=1 to see the lines behind them.
func TestRealBuyerLines(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "eval", "real-buyer-messages.txt")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("no real buyer lines here: %v", err)
	}
	defer f.Close()
	e := newTestEngine(t)
	counts := map[string]int{}
	examples := map[string][]string{}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		n++
		s, err := e.Turn(NewConversation("real-"+strconv.Itoa(n)), Turn{Role: Buyer, Text: line, At: at(10, 0)})
		if err != nil {
			t.Fatalf("line %d %q: %v", n, line, err)
		}
		for _, nd := range s.Nudges {
			key := nd.Kind + "/" + nd.Category
			counts[key]++
			examples[key] = append(examples[key], line)
		}
	}
	if n < 100 {
		t.Fatalf("read %d lines, want the whole file", n)
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-28s %3d lines", k, counts[k])
		if os.Getenv("ASSIST_SHOW_LINES") != "" {
			for _, l := range examples[k] {
				t.Logf("    %s", l)
			}
		}
	}
}
