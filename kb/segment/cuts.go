package segment

import "sync"

// cuts keeps the tokens of texts cut lately. A turn's text is cut twice
// (the classifier's features, then the search's words) and a buyer's line
// once more as the context of the agent's reply; a gse cut costs 6 µs in a
// warm benchmark and several times that in a busy server, a look-up under
// one. Bounded by size in two
// generations: a text used again moves to the newer one, the older is
// dropped whole when the newer fills. Held per dictionary copy, so words
// learned later never meet a cut made before them.
type cuts struct {
	mu       sync.Mutex
	room     int // bytes a generation holds, by cutCost; 0 is cutRoom
	size     int
	cur, old map[string][]Token
}

// cutRoom is a generation's size; maxCutText is the longest text kept (chat
// lines; documents cut for the index pass once and would crowd them out).
const (
	cutRoom    = 1 << 20
	maxCutText = 1 << 10
)

// cutCost is roughly the bytes an entry holds: the text once (tokens'
// terms are its substrings), and each token.
func cutCost(folded string, toks []Token) int { return len(folded) + 48*len(toks) + 64 }

// get returns the kept tokens of folded text; the slice is shared.
func (k *cuts) get(folded string) ([]Token, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	toks, ok := k.cur[folded]
	if !ok {
		if toks, ok = k.old[folded]; ok {
			k.put(folded, toks)
		}
	}
	return toks, ok
}

// put records the tokens of folded; the caller holds k.mu.
func (k *cuts) put(folded string, toks []Token) {
	n := cutCost(folded, toks)
	room := k.room
	if room == 0 {
		room = cutRoom
	}
	if k.cur == nil || k.size+n > room {
		k.old, k.cur, k.size = k.cur, map[string][]Token{}, 0
	}
	k.cur[folded] = toks
	k.size += n
}

// keep records the tokens of folded, if it is short enough to be a line.
func (k *cuts) keep(folded string, toks []Token) {
	if len(folded) > maxCutText {
		return
	}
	k.mu.Lock()
	k.put(folded, toks)
	k.mu.Unlock()
}

// clear forgets every cut: the dictionary changed.
func (k *cuts) clear() {
	k.mu.Lock()
	k.cur, k.old, k.size = nil, nil, 0
	k.mu.Unlock()
}
