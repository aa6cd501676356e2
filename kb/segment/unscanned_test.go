package segment

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/go-ego/gse"
)

// scannable is the heap the collector scans, as of its last collection.
func scannable() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/scan/heap:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A copy of the dictionary, read from the kept file or built and read
// back from its encoding, adds tens of MB to the heap and almost nothing to
// what each collection scans; a copy as built is scanned whole.
func TestDictionaryIsNotScanned(t *testing.T) {
	if !keepable {
		t.Skip("gse or cedar is not laid out as mirrored: every copy is as built")
	}
	measure := func(name string, load func() *copyOf, unscanned bool) {
		var before, after runtime.MemStats
		scanBefore := scannable()
		runtime.ReadMemStats(&before)
		c := load()
		scanAfter := scannable()
		runtime.ReadMemStats(&after)
		heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		scan := int64(scanAfter) - int64(scanBefore)
		t.Logf("%s: %d MiB of heap, %d KiB more to scan", name, heap>>20, scan>>10)
		if heap < 50<<20 || (c.held != nil) != unscanned || unscanned && scan > 2<<20 || !unscanned && scan < 20<<20 {
			t.Errorf("%s: %d MiB of heap, %d KiB more to scan, held %v: want ≥ 50 MiB, unscanned %v", name, heap>>20, scan>>10, c.held != nil, unscanned)
		}
		runtime.KeepAlive(c)
	}
	measure("as built", buildDict, false)
	measure("built, nothing kept", loadDict, true)
	keepIn(t)
	loadDict() // builds and keeps
	measure("read from the kept file", loadDict, true)
}

// Nothing an unscanned copy points to is collected: run in a process of
// its own whose collector overwrites what it frees (GODEBUG=clobberfree),
// a copy read from the kept file, given more words than its token list has
// room for, is after many collections what a built copy given the same
// words is, token for token, and cuts as it does.
func TestUnscannedCopySurvivesCollections(t *testing.T) {
	if os.Getenv("ASSIST_UNSCANNED_CHILD") == "" {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestUnscannedCopySurvivesCollections$", "-test.v")
		cmd.Env = append(os.Environ(), "ASSIST_UNSCANNED_CHILD="+dir, "GODEBUG=clobberfree=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return
	}
	KeepDictionaryIn(os.Getenv("ASSIST_UNSCANNED_CHILD"))
	t.Cleanup(func() { KeepDictionaryIn("") })
	built := buildDict()
	loadDict() // builds and keeps
	kept := loadDict()
	if kept.held == nil || built.held != nil {
		t.Fatal("want a copy as built and one read from the kept file")
	}
	// More words than tokenRoom: the kept copy's list grows once, as
	// unscanned memory.
	var more []word
	for i := range tokenRoom + 500 {
		more = append(more, word{text: fmt.Sprintf("测试词%05d号", i), freq: 1000})
	}
	room := cap(kept.seg.Dict.Tokens) - len(kept.seg.Dict.Tokens)
	scanBefore := scannable()
	for _, c := range []*copyOf{kept, built} {
		for _, w := range unknown(c, more) {
			c.addWord(w)
		}
		c.weigh()
		if c == kept {
			// The list grew: 30 MB to scan, had it grown as gse grows it.
			if grown := scannable() - scanBefore; room >= len(more) || grown > 4<<20 {
				t.Fatalf("room for %d words, %d added, %d KiB more to scan after: want a list grown unscanned", room, len(more), grown>>10)
			}
		}
	}
	collect := func() {
		for range 5 {
			garbage := make([][]byte, 0, 1<<16)
			for i := range cap(garbage) {
				garbage = append(garbage, make([]byte, 8+i%200))
			}
			runtime.GC()
		}
	}
	collect()
	sameDictionary(t, &built.seg, &kept.seg)
	for _, line := range []string{"测试词00007号和测试词04500号都要", "收到的防晒霜喷雾漏了,外包装破损"} {
		if a, b := built.tokens(line), kept.tokens(line); fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s: cut %v from the built dictionary, %v from the kept", line, a, b)
		}
	}
	// A token list is reached without its copy too (gse's Dict, a cut's
	// *gse.Token): what it points to lives as long as the list does.
	dictOnly := gse.Segmenter{Dict: kept.seg.Dict}
	kept = nil
	collect()
	sameDictionary(t, &built.seg, &dictOnly)
}
