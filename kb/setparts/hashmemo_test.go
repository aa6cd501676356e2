package setparts

import (
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"assist/kb/memo"
)

// A part's name is stored: it must stay the first half of SHA-256.
func TestHashIsSHA256sFirstHalf(t *testing.T) {
	h := hashOf([]byte("abc"))
	if got := hex.EncodeToString(h[:]); got != "ba7816bf8f01cfea414140de5dae2223" {
		t.Fatalf("hashOf(abc) = %s, want SHA-256's first half ba7816bf8f01cfea414140de5dae2223", got)
	}
}

// hashOf answers as SHA-256 does, from the memo or not: for bodies met
// again, for a buffer its caller rewrote after asking, and after the memo
// dropped its older half.
func TestHashMemoIsSHA256(t *testing.T) {
	defer func(m *memo.Map[[16]byte]) { recentHashes = m }(recentHashes)
	recentHashes = memo.New[[16]byte](1 << 10)
	buf := make([]byte, 0, 64)
	for round := range 3 {
		for i := range 200 {
			buf = fmt.Appendf(buf[:0], "亲,第%d件商品的参数", i%50)
			if got, want := hashOf(buf), sha256Half(buf); got != want {
				t.Fatalf("round %d, body %q: %x, SHA-256 %x", round, buf, got, want)
			}
			copy(buf, "XXXX") // the caller reuses its buffer
		}
	}
	if keys, _ := recentHashes.Len(); keys == 0 {
		t.Error("the memo kept nothing")
	}
}

// The parts a split names are the SHA-256 of their bodies whether the memo
// knew them or not: a set cut twice (the second time from the memo) and a
// set whose parts are all new.
func TestSplitNamesPartsBySHA256(t *testing.T) {
	at := time.Date(2026, 11, 28, 21, 24, 35, 0, cst)
	data, row := benchSet(at)
	for i := range 2 {
		s := SplitSet(data, row)
		if s == nil {
			t.Fatal("not split")
		}
		for j, p := range s.WithBodies() {
			if sha256Half(p.Body) != p.Hash {
				t.Errorf("cut %d, part %d (%.40q): hash %x, want SHA-256 of its body", i, j, p.Body, p.Hash)
			}
		}
	}
}
