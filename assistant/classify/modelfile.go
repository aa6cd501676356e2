package classify

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// A trained classifier is written as what training computed and nothing
// the corpus already says: per role its classes, the feature hash of each
// row, the weights and biases as float32 bits, and per corpus line the rows
// it holds. The lines and their labels are the corpus's, read again when
// the file is loaded, so the file is only valid beside the corpus it was
// trained on (Decode checks that the lines agree).
const modelMagic = "assist-classify 1\n"

// Encode writes the classifier in the model file format.
func (c *Classifier) Encode() []byte {
	b := []byte(modelMagic)
	for _, m := range []*Model{c.Buyer, c.Agent} {
		b = m.appendTo(b)
	}
	return b
}

func (m *Model) appendTo(b []byte) []byte {
	b = appendString(b, m.Role)
	b = binary.AppendUvarint(b, uint64(len(m.classes)))
	for _, c := range m.classes {
		b = appendString(b, c)
	}
	hashes := make([]uint64, len(m.index))
	for h, r := range m.index {
		hashes[r] = h
	}
	b = binary.AppendUvarint(b, uint64(len(hashes)))
	for _, h := range hashes {
		b = binary.LittleEndian.AppendUint64(b, h)
	}
	for _, w := range m.bias {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(w))
	}
	for _, w := range m.w {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(w))
	}
	// Each line's rows, ascending, as gaps.
	b = binary.AppendUvarint(b, uint64(len(m.lines)))
	for _, rs := range m.lineRows() {
		b = binary.AppendUvarint(b, uint64(len(rs)))
		prev := int32(0)
		for _, r := range rs {
			b = binary.AppendUvarint(b, uint64(r-prev))
			prev = r
		}
	}
	return b
}

// lineRows is the rows each line holds, ascending, as training recorded
// them in the postings.
func (m *Model) lineRows() [][]int32 {
	rows := make([][]int32, len(m.lines))
	for r := range int32(len(m.held)) {
		for _, post := range m.postings {
			for _, l := range post[r] {
				rows[l] = append(rows[l], r)
			}
		}
	}
	return rows
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Decode reads a classifier written by Encode, with the corpus it was
// trained on (its lines, in order, name the nearest lines of a reading).
func Decode(data []byte, corpus []Example) (*Classifier, error) {
	d := decoder{b: data}
	if string(d.next(len(modelMagic))) != modelMagic {
		return nil, errors.New("not a classifier model file (assist-classify 1)")
	}
	c := &Classifier{}
	for _, role := range []string{"buyer", "agent"} {
		m, err := d.model(role, corpus)
		if err != nil {
			return nil, fmt.Errorf("%s model: %w", role, err)
		}
		if role == "buyer" {
			c.Buyer = m
		} else {
			c.Agent = m
		}
	}
	if d.err == nil && len(d.b) > 0 {
		d.err = fmt.Errorf("%d bytes after the agent model", len(d.b))
	}
	return c, d.err
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) next(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.b) {
		if d.err == nil {
			d.err = errors.New("file ends early")
		}
		return make([]byte, max(n, 0))
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() int {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > math.MaxInt32 {
		if d.err == nil {
			d.err = errors.New("bad count")
		}
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

func (d *decoder) string() string { return string(d.next(d.uvarint())) }

func (d *decoder) model(role string, corpus []Example) (*Model, error) {
	m := &Model{Role: d.string()}
	if m.Role != role {
		return nil, fmt.Errorf("role %q, want %q", m.Role, role)
	}
	k := d.uvarint()
	for range k {
		m.classes = append(m.classes, d.string())
	}
	if d.err == nil && (k == 0 || m.classes[0] != None) {
		return nil, fmt.Errorf("classes %v: want %s first", m.classes, None)
	}
	n := d.uvarint()
	m.index = make(map[uint64]int32, n)
	hashes := d.next(8 * n)
	for r := range n {
		m.index[binary.LittleEndian.Uint64(hashes[8*r:])] = int32(r)
	}
	m.bias = d.floats(k)
	m.w = d.floats(n * k)
	classOf := map[string]int{}
	for i, c := range m.classes {
		classOf[c] = i
	}
	for _, e := range corpus {
		if e.Role == role {
			m.lines = append(m.lines, e.Text)
		}
	}
	if lines := d.uvarint(); d.err == nil && lines != len(m.lines) {
		return nil, fmt.Errorf("%d lines, the corpus has %d: the model is stale (go generate ./assistant/classify)", lines, len(m.lines))
	}
	m.postings = make([]map[int32][]int32, k)
	for c := range m.postings {
		m.postings[c] = map[int32][]int32{}
	}
	m.held = make([]int32, n)
	m.sizes = make([]int32, len(m.lines))
	l := 0
	for _, e := range corpus {
		if e.Role != role || d.err != nil {
			continue
		}
		class, known := classOf[e.Category]
		size := d.uvarint()
		if !known || size > n {
			return nil, fmt.Errorf("%s:%d: category %q, %d rows: the model is stale (go generate ./assistant/classify)",
				e.File, e.Line, e.Category, size)
		}
		m.sizes[l] = int32(size)
		r := 0
		for range size {
			r += d.uvarint()
			if r >= n {
				return nil, fmt.Errorf("line %d: row %d of %d", l, r, n)
			}
			m.postings[class][int32(r)] = append(m.postings[class][int32(r)], int32(l))
			m.held[r]++
		}
		l++
	}
	return m, d.err
}

func (d *decoder) floats(n int) []float32 {
	raw := d.next(4 * n)
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}
