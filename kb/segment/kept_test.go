package segment

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/go-ego/gse"
)

// keepIn has loads keep their dictionary in a new directory for the test.
func keepIn(t *testing.T) string {
	t.Helper()
	if !keepable {
		t.Skip("gse or cedar is not laid out as mirrored: nothing is kept")
	}
	dir := t.TempDir()
	KeepDictionaryIn(dir)
	t.Cleanup(func() { KeepDictionaryIn("") })
	return dir
}

// sameDictionary fails t unless a and b hold the same trie, arrays and
// scalars, and the same tokens.
func sameDictionary(t *testing.T, a, b *gse.Segmenter) {
	t.Helper()
	ta, tb := trieOf(a), trieOf(b)
	if !reflect.DeepEqual(*ta, *tb) {
		t.Fatalf("tries differ: %d/%d/%d elements against %d/%d/%d", len(ta.array), len(ta.nInfos), len(ta.blocks),
			len(tb.array), len(tb.nInfos), len(tb.blocks))
	}
	da, db := dictOf(a), dictOf(b)
	if da.maxTokenLen != db.maxTokenLen || da.totalFreq != db.totalFreq || len(da.Tokens) != len(db.Tokens) {
		t.Fatalf("dictionaries differ: %d, %g, %d tokens against %d, %g, %d",
			da.maxTokenLen, da.totalFreq, len(da.Tokens), db.maxTokenLen, db.totalFreq, len(db.Tokens))
	}
	for i := range da.Tokens {
		if !reflect.DeepEqual(da.Tokens[i], db.Tokens[i]) {
			t.Fatalf("token %d differs: %+v against %+v", i, *mirror(&da.Tokens[i]), *mirror(&db.Tokens[i]))
		}
	}
}

// A load keeps the dictionary it built, the next reads it back, and what
// it reads is what was built: every array of the trie, every token. Words
// added after it and the weighing then go as on a built one, and the cuts
// are the same.
func TestKeptDictionaryIsTheBuiltOne(t *testing.T) {
	dir := keepIn(t)
	reads := keptReads.Load()
	first := loadDict()
	if keptReads.Load() != reads {
		t.Fatal("the first load read a kept dictionary: there was none")
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 1 || files[0] != keptPath() {
		t.Fatalf("kept %v, want %s alone", files, keptPath())
	}
	kept := loadDict()
	if keptReads.Load() != reads+1 {
		t.Fatal("the second load did not read the kept dictionary")
	}
	built := buildDict()
	sameDictionary(t, &built.seg, &kept.seg)
	sameDictionary(t, &built.seg, &first.seg) // read back from what it kept

	more := []word{{text: "羽绒马甲", freq: 3000}, {text: "防晒霜喷雾", freq: 3000}}
	for _, c := range []*copyOf{built, kept} {
		for _, w := range unknown(c, more) {
			c.addWord(w)
		}
		c.weigh()
	}
	sameDictionary(t, &built.seg, &kept.seg)
	for _, line := range []string{"羽绒马甲有没有黑色的,能便宜点吗", "收到的防晒霜喷雾漏了,外包装破损", "亲,明天发货,后天就到"} {
		if a, b := built.tokens(line), kept.tokens(line); !reflect.DeepEqual(a, b) {
			t.Errorf("%s: cut %v from the built dictionary, %v from the kept", line, a, b)
		}
	}
}

// A kept file that is damaged, cut short or another binary's is not read:
// the dictionary is built, and kept again.
func TestDamagedKeptDictionaryIsBuiltOver(t *testing.T) {
	keepIn(t)
	path := keptPath()
	built := loadDict()
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	damaged := func(edit func([]byte) []byte) []byte { return edit(append([]byte(nil), good...)) }
	for name, file := range map[string][]byte{
		"a byte changed":   damaged(func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }),
		"cut short":        damaged(func(b []byte) []byte { return b[:len(b)*2/3] }),
		"another binary's": damaged(func(b []byte) []byte { b[len(keptMagic)+3] ^= 1; return b }),
		"empty":            {},
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, file, 0o600); err != nil {
				t.Fatal(err)
			}
			reads := keptReads.Load()
			c := loadDict()
			if keptReads.Load() != reads {
				t.Fatal("a damaged file was read")
			}
			sameDictionary(t, &built.seg, &c.seg)
			again, err := os.ReadFile(path)
			if err != nil || string(again) != string(good) {
				t.Fatalf("not kept again whole (%d bytes, want %d): %v", len(again), len(good), err)
			}
		})
	}
}

// keptFingerprint is the SHA-256 of the kept file of the dictionary
// loadDict builds (amd64), with keptVersion: a change to how it is built
// changes it, and must bump keptVersion so that no start reads a file built
// the old way.
const keptFingerprint = "1 0c8fb72e746956a87463cd83c52dd8709cff32ba1e7f1eda65456633553ab55d"

func TestKeptDictionaryFingerprint(t *testing.T) {
	if runtime.GOARCH != "amd64" || !keepable {
		t.Skip("the fingerprint is amd64's")
	}
	if v := moduleVersion("github.com/go-ego/gse"); v == "" {
		t.Log("gse's version is not in the build info: the key holds the texts and layout only")
	}
	c := buildDict()
	sum := sha256.Sum256(encodeKept(&c.seg))
	if got := fmt.Sprintf("%d %x", keptVersion, sum); got != keptFingerprint {
		t.Fatalf("the built dictionary's fingerprint is %q, pinned %q: if how it is built changed, bump keptVersion and pin the new one", got, keptFingerprint)
	}
}

// Writing the kept file removes the files of other dictionaries but the
// newest (a binary of the version before may still run), and temporary
// files left by a process that stopped while writing; nothing else in the
// directory is touched.
func TestOtherDictionariesArePruned(t *testing.T) {
	dir := keepIn(t)
	now := time.Now()
	files := map[string]time.Duration{ // name → age
		"dictionary-0000000000000001.kept": 72 * time.Hour,
		"dictionary-0000000000000002.kept": 24 * time.Hour, // the newest other: kept
		"dictionary-0000000000000003.kept": 48 * time.Hour,
		"dictionary.123456":                2 * time.Hour, // a write that never finished
		"dictionary.654321":                time.Minute,   // a write under way beside
		"notes.txt":                        1000 * time.Hour,
	}
	for name, age := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	loadDict()
	var left []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{"dictionary-0000000000000002.kept", filepath.Base(keptPath()), "dictionary.654321", "notes.txt"}
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Fatalf("left in the directory: %q, want %q", left, want)
	}
}
