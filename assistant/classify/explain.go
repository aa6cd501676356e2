package classify

import (
	"cmp"
	"math"
	"slices"
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
	var ws []Weighed
	for i, f := range rd.feats {
		r := rd.rows[i]
		if r < 0 {
			continue
		}
		row := rd.m.w[int(r)*k : int(r)*k+k]
		if d := float64((row[ci] - row[0]) * rd.value); d > 0 {
			ws = append(ws, Weighed{Weight: d, Start: int(f.start), End: int(f.end)})
		}
	}
	slices.SortStableFunc(ws, func(a, b Weighed) int { return cmp.Compare(b.Weight, a.Weight) })
	if len(ws) > 2*n {
		ws = ws[:2*n]
	}
	slices.SortFunc(ws, func(a, b Weighed) int { return cmp.Compare(a.Start, b.Start) })
	var out []Weighed
	for _, w := range ws {
		if last := len(out) - 1; last >= 0 && w.Start <= out[last].End {
			out[last].End = max(out[last].End, w.End)
			out[last].Weight += w.Weight
			continue
		}
		out = append(out, w)
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

// Nearest lists up to n labelled lines of a category that share the most
// features with the turn (cosine over distinct features), most alike first.
func (rd *Reading) Nearest(category string, n int) []string {
	ci := int32(slices.Index(rd.m.classes, category))
	if ci < 0 || n <= 0 {
		return nil
	}
	shared := make([]int32, len(rd.m.lines))
	var touched []int32
	rows := slices.Clone(rd.rows)
	slices.Sort(rows)
	rows = slices.Compact(rows)
	for _, r := range rows {
		if r < 0 || rd.m.held[r] > maxPosting {
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
	taken := make([]bool, len(touched))
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
		if t := rd.m.lines[touched[best]]; t != string(rd.text) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
