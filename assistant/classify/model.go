package classify

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"unicode/utf8"
)

// Model is a multinomial logistic regression over the features of a turn,
// for the turns of one role. It is read-only once trained and safe for
// concurrent use.
type Model struct {
	Role    string
	classes []string         // classes[0] is None
	index   map[uint64]int32 // feature hash → row
	w       []float32        // rows × classes
	bias    []float32

	// The labelled lines it learnt from, to name the nearest ones.
	lines    []string
	sizes    []int32             // distinct features per line
	postings []map[int32][]int32 // class → row → lines of that class holding it
	held     []int32             // row → lines of any class holding it
}

// TrainOptions tune training; the zero value takes the defaults.
type TrainOptions struct {
	Epochs int     // passes over the corpus (default 12)
	Rate   float64 // first learning rate (default 0.5)
	L2     float64 // weight decay per update (default 1e-3)
	Seed   uint64  // shuffling (default 1)
}

func (o TrainOptions) withDefaults() TrainOptions {
	if o.Epochs == 0 {
		o.Epochs = 12
	}
	if o.Rate == 0 {
		o.Rate = 0.5
	}
	if o.L2 == 0 {
		o.L2 = 1e-3
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// sample is one example as the trainer sees it.
type sample struct {
	rows  []int32
	value float32 // each feature's value: 1/√n, so long and short turns weigh alike
	class int
}

// Train fits a model to the examples of one role.
func Train(examples []Example, role string, opt TrainOptions) *Model {
	opt = opt.withDefaults()
	m := &Model{Role: role, classes: []string{None}, index: map[uint64]int32{}}
	classOf := map[string]int{None: 0}
	var cats []string
	for _, e := range examples {
		if e.Role == role && e.Category != None {
			if _, ok := classOf[e.Category]; !ok {
				classOf[e.Category] = -1
				cats = append(cats, e.Category)
			}
		}
	}
	sort.Strings(cats)
	for _, c := range cats {
		classOf[c] = len(m.classes)
		m.classes = append(m.classes, c)
	}
	var samples []sample
	var buf []feature
	for _, e := range examples {
		if e.Role != role {
			continue
		}
		buf = features(e.Text, buf)
		s := sample{class: classOf[e.Category]}
		for _, f := range buf {
			r, ok := m.index[f.hash]
			if !ok {
				r = int32(len(m.index))
				m.index[f.hash] = r
			}
			s.rows = append(s.rows, r)
		}
		slices.Sort(s.rows)
		s.rows = slices.Compact(s.rows)
		if len(s.rows) > 0 {
			s.value = float32(1 / math.Sqrt(float64(len(s.rows))))
		}
		samples = append(samples, s)
		m.lines = append(m.lines, e.Text)
		m.sizes = append(m.sizes, int32(len(s.rows)))
	}
	m.postings = make([]map[int32][]int32, len(m.classes))
	for c := range m.postings {
		m.postings[c] = map[int32][]int32{}
	}
	m.held = make([]int32, len(m.index))
	for i, s := range samples {
		for _, r := range s.rows {
			m.postings[s.class][r] = append(m.postings[s.class][r], int32(i))
			m.held[r]++
		}
	}
	k := len(m.classes)
	m.w = make([]float32, len(m.index)*k)
	m.bias = make([]float32, k)
	rng := rand.New(rand.NewPCG(opt.Seed, 2))
	p := make([]float64, k)
	order := make([]int, len(samples))
	for i := range order {
		order[i] = i
	}
	for epoch := range opt.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := opt.Rate / (1 + float64(epoch)*0.5)
		decay := float32(1 - rate*opt.L2)
		for _, si := range order {
			s := &samples[si]
			m.scoreRows(s.rows, s.value, p)
			softmax(p)
			for c := range k {
				g := p[c]
				if c == s.class {
					g--
				}
				step := float32(rate * g)
				m.bias[c] -= step
				sv := step * s.value
				for _, r := range s.rows {
					w := &m.w[int(r)*k+c]
					*w = *w*decay - sv
				}
			}
		}
	}
	return m
}

// scoreRows fills p with the raw scores of a turn whose features are rows.
func (m *Model) scoreRows(rows []int32, value float32, p []float64) {
	k := len(m.classes)
	for c := range k {
		p[c] = float64(m.bias[c])
	}
	for _, r := range rows {
		row := m.w[int(r)*k : int(r)*k+k]
		for c, w := range row {
			p[c] += float64(w * value)
		}
	}
}

func softmax(p []float64) {
	top := p[0]
	for _, v := range p {
		top = max(top, v)
	}
	sum := 0.0
	for i, v := range p {
		p[i] = math.Exp(v - top)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
}

// Classes lists the model's labels, None first.
func (m *Model) Classes() []string { return slices.Clone(m.classes) }

// Features is how many distinct features the model weighs.
func (m *Model) Features() int { return len(m.index) }

// Reading is what the model makes of one turn.
type Reading struct {
	m     *Model
	text  []rune
	feats []feature
	rows  []int32 // per feature, -1 when unseen in training
	value float32
	probs []float64 // per class

	// Memory of the reading itself, kept with it in readings.
	scratch featScratch
	seen    []int32
	hashes  []uint64
	why     []weighed
	near    nearScratch
}

// readings keeps Readings given back by Release. A turn's reading was a
// dozen slices, a third of what the engine allocated a turn: under load,
// fresh memory a turn is page faults and collections (docs/figures.md,
// session 23).
var readings = sync.Pool{New: func() any { return new(Reading) }}

// maxKeptRunes: a Reading of a longer text is not kept for another, so that
// one long message does not hold its memory in the pool.
const maxKeptRunes = 2048

// Read classifies one turn. Release the Reading once done with it, if
// nothing of it is kept.
func (m *Model) Read(text string) *Reading {
	rd := readings.Get().(*Reading)
	m.readInto(rd, text)
	return rd
}

// readInto reads text into rd, reusing its memory.
func (m *Model) readInto(rd *Reading, text string) {
	rd.m = m
	// Sized as a fresh Reading needs, so a Reading never released costs
	// no more than one made for the turn alone.
	n := utf8.RuneCountInString(text)
	rd.text = slices.Grow(rd.text[:0], n)[:n]
	i := 0
	for _, r := range text {
		rd.text[i] = r
		i++
	}
	rd.probs = slices.Grow(rd.probs[:0], len(m.classes))[:len(m.classes)]
	rd.feats = rd.scratch.features(text, slices.Grow(rd.feats[:0], 4*n+8))
	rd.rows = slices.Grow(rd.rows[:0], len(rd.feats))[:len(rd.feats)]
	seen := slices.Grow(rd.seen[:0], len(rd.feats))
	for i, f := range rd.feats {
		r, ok := m.index[f.hash]
		if !ok {
			rd.rows[i] = -1
			continue
		}
		rd.rows[i] = r
		seen = append(seen, r)
	}
	slices.Sort(seen)
	seen = slices.Compact(seen)
	rd.seen = seen
	// Unseen features count in n as in training, where every feature of a
	// line had a row.
	var d int
	d, rd.hashes = distinct(rd.feats, slices.Grow(rd.hashes[:0], len(rd.feats)))
	rd.value = 0
	if d > 0 {
		rd.value = float32(1 / math.Sqrt(float64(d)))
	}
	m.scoreRows(seen, rd.value, rd.probs)
	softmax(rd.probs)
}

// Release gives the Reading back to be used for another turn's; nothing
// of it may be used after. What Why and Nearest return are copies.
func (rd *Reading) Release() {
	if cap(rd.text) > maxKeptRunes {
		return
	}
	rd.m = nil
	readings.Put(rd)
}

func distinct(fs []feature, hs []uint64) (int, []uint64) {
	for _, f := range fs {
		hs = append(hs, f.hash)
	}
	slices.Sort(hs)
	hs = slices.Compact(hs)
	return len(hs), hs
}

// Prob is the probability of a category ("evidence.missing"; 0 if the
// model has no such class).
func (rd *Reading) Prob(category string) float64 {
	if i := slices.Index(rd.m.classes, category); i >= 0 {
		return rd.probs[i]
	}
	return 0
}

// Best is the most probable category, None included, and its probability.
func (rd *Reading) Best() (string, float64) {
	best := 0
	for i, p := range rd.probs {
		if p > rd.probs[best] {
			best = i
		}
	}
	return rd.m.classes[best], rd.probs[best]
}

// BestOf is the most probable category of one kind ("evidence") and its
// probability; "" when the model knows no category of that kind.
func (rd *Reading) BestOf(kind string) (string, float64) {
	cat, top := "", -1.0
	for i, c := range rd.m.classes {
		if KindOf(c) == kind && rd.probs[i] > top {
			cat, top = c, rd.probs[i]
		}
	}
	if cat == "" {
		return "", 0
	}
	return cat, top
}

// KindProb is the probability that the turn is of a kind, all its
// categories together.
func (rd *Reading) KindProb(kind string) float64 {
	sum := 0.0
	for i, c := range rd.m.classes {
		if KindOf(c) == kind {
			sum += rd.probs[i]
		}
	}
	return sum
}
