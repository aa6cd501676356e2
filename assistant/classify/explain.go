package classify

import (
	"cmp"
	"math"
	"slices"
	"unicode/utf8"
)

// Weighed is a piece of the turn and how much it pushed towards a category
// against the line calling for nothing.
type Weighed struct {
	Text       string  `json:"text"`
	Weight     float64 `json:"weight"`
	Start, End int     `json:"-"` // runes in the turn
}

// Why lists the pieces of the turn that weighed most for a category,
// strongest first, at most n of them. The features that weighed most are
// joined where they touch or overlap, so the panel shows 没收到 rather than
// 没, 收 and 收到 apart, each piece with the weight of its features.
func (rd *Reading) Why(category string, n int) []Weighed {
	ci := slices.Index(rd.m.classes, category)
	if ci < 0 {
		return nil
	}
	k := len(rd.m.classes)
	ws := rd.why[:0]
	defer func() { rd.why = ws }()
	for i, f := range rd.feats {
		r := rd.rows[i]
		if r < 0 {
			continue
		}
		row := rd.m.w[int(r)*k : int(r)*k+k]
		if d := float64((row[ci] - row[0]) * rd.value); d > 0 {
			ws = append(ws, weighed{d, f.start, f.end})
		}
	}
	// The 2n strongest features, joined where they touch.
	slices.SortStableFunc(ws, func(a, b weighed) int { return cmp.Compare(b.w, a.w) })
	if len(ws) > 2*n {
		ws = ws[:2*n]
	}
	slices.SortFunc(ws, func(a, b weighed) int { return cmp.Compare(a.start, b.start) })
	var out []Weighed
	for _, w := range ws {
		if last := len(out) - 1; last >= 0 && int(w.start) <= out[last].End {
			out[last].End = max(out[last].End, int(w.end))
			out[last].Weight += w.w
			continue
		}
		out = append(out, Weighed{Weight: w.w, Start: int(w.start), End: int(w.end)})
	}
	for i := range out {
		out[i].Text = string(rd.text[out[i].Start:out[i].End])
	}
	slices.SortStableFunc(out, func(a, b Weighed) int { return cmp.Compare(b.Weight, a.Weight) })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// maxPosting: a feature held by more lines than this (了, 的, 我) says
// nothing about which lines are alike.
const maxPosting = 150

// Nearest lists up to n labelled lines of a category alike in what made
// the call: the lines that share the most features lying inside the given
// pieces of the turn (Why's), scored by cosine over distinct features,
// most alike first.
func (rd *Reading) Nearest(category string, pieces []Weighed, n int) []string {
	ci := int32(slices.Index(rd.m.classes, category))
	if ci < 0 || n <= 0 || len(pieces) == 0 {
		return nil
	}
	rows, touched := rd.near.rows[:0], rd.near.touched[:0]
	if rd.near.shared == nil {
		rd.near.shared = make(map[int32]int32, 64)
	}
	shared := rd.near.shared
	defer func() {
		clear(shared)
		rd.near.rows, rd.near.touched = rows, touched
	}()
	for i, f := range rd.feats {
		for _, p := range pieces {
			if int(f.start) >= p.Start && int(f.end) <= p.End && rd.rows[i] >= 0 {
				rows = append(rows, rd.rows[i])
				break
			}
		}
	}
	slices.Sort(rows)
	rows = slices.Compact(rows)
	for _, r := range rows {
		if rd.m.held[r] > maxPosting {
			continue
		}
		for _, l := range rd.m.postings[ci][r] {
			if shared[l] == 0 {
				touched = append(touched, l)
			}
			shared[l]++
		}
	}
	// The best n by one pass each: n is small, the candidates many.
	var out []string
	taken := slices.Grow(rd.near.taken[:0], len(touched))[:len(touched)]
	clear(taken)
	rd.near.taken = taken
	q := float64(len(rows))
	for len(out) < n {
		best, top := -1, 0.0
		for i, l := range touched {
			if taken[i] {
				continue
			}
			sc := float64(shared[l]) / math.Sqrt(q*float64(rd.m.sizes[l]))
			if best < 0 || sc > top || sc == top && l < touched[best] {
				best, top = i, sc
			}
		}
		if best < 0 {
			break
		}
		taken[best] = true
		if t := rd.m.lines[touched[best]]; !sameText(t, rd.text) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// weighed is a feature's weight for a category, where it stands.
type weighed struct {
	w          float64
	start, end int32
}

// nearScratch is memory Nearest works in, kept with the Reading.
type nearScratch struct {
	rows, touched []int32
	shared        map[int32]int32
	taken         []bool
}

// sameText reports whether s == string(rs), without converting rs.
func sameText(s string, rs []rune) bool {
	for _, r := range rs {
		got, size := utf8.DecodeRuneInString(s)
		if len(s) == 0 || got != r || got == utf8.RuneError && size == 1 {
			return false
		}
		s = s[size:]
	}
	return len(s) == 0
}
