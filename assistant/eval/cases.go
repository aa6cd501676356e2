package eval

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"assist/kb"
	"assist/kb/bundle"
	"assist/kb/jsonpos"
)

// Roles of a turn, as a cases file writes them (FORMAT.md).
const (
	RoleBuyer = "buyer"
	RoleAgent = "agent"
)

// NudgeKinds are the nudge kinds a case may expect or forbid.
var NudgeKinds = []string{"upsell", "evidence", "shipping_promise", "admission", "wording"}

// MaxCasesFileSize bounds a cases file, so a wrong path cannot fill memory.
const MaxCasesFileSize = 16 << 20

// Case is one labelled conversation, a line of a cases file.
type Case struct {
	ID      string
	Product string    // id of the product the buyer is viewing; "" if none
	Line    int       // line of the file, for messages
	At      time.Time // time of the first turn; zero when absent
	Turns   []Turn
	Expect  []Expect
	Forbid  []Forbid
}

// Turn is one message of a case.
type Turn struct {
	Role string // RoleBuyer or RoleAgent
	Text string
}

// Expect is what must happen after turn Turn (0-based): each nudge raised,
// each doc among the top 3 suggestions of its kind.
type Expect struct {
	Turn   int
	Nudges []string
	Docs   []string
}

// Forbid lists nudges that must not be raised after turn Turn.
type Forbid struct {
	Turn   int
	Nudges []string
}

var (
	caseFields   = []string{"id", "product", "at", "turns", "expect", "forbid"}
	turnFields   = []string{"role", "text"}
	expectFields = []string{"turn", "nudges", "docs"}
	forbidFields = []string{"turn", "nudges"}
)

// LoadCases reads and checks the cases file at path.
func LoadCases(path string) ([]Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxCasesFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("load cases %s: %w", path, err)
	}
	return ParseCases(path, data)
}

// ParseCases reads a JSON Lines file of cases, one object a line; blank lines
// are skipped. Its error is a bundle.Problems naming every bad line and field.
func ParseCases(file string, data []byte) ([]Case, error) {
	if len(data) > MaxCasesFileSize {
		return nil, bundle.Problems{{File: file, Msg: fmt.Sprintf("larger than %d MiB: not a cases file", MaxCasesFileSize>>20)}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, bundle.Problems{{File: file, Msg: "empty file: want one case a line, each a JSON object"}}
	}
	c := &bundle.Checker{File: file}
	var cases []Case
	firstLine := map[string]int{}
	lines := bytes.Split(data, []byte("\n"))
	for i, line := range lines {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		n := i + 1
		v, err := jsonpos.Parse(line)
		if err != nil {
			c.Problems = append(c.Problems, lineSyntax(file, n, err, i == len(lines)-1))
			continue
		}
		c.LineOffset = n - 1
		cs := readCase(c, v)
		cs.Line = n
		if cs.ID != "" {
			if first, dup := firstLine[cs.ID]; dup {
				c.Report(v.Get("id"), "id", "duplicate case id %q (first on line %d)", cs.ID, first)
			} else {
				firstLine[cs.ID] = n
			}
		}
		cases = append(cases, cs)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return cases, nil
}

// lineSyntax words a syntax error for a line of a JSON Lines file: a line
// that ends inside its object is either the file's cut-short last line or a
// case written over several lines.
func lineSyntax(file string, line int, err error, last bool) bundle.Problem {
	se, ok := err.(*jsonpos.SyntaxError)
	if !ok {
		return bundle.Problem{File: file, Line: line, Msg: err.Error()}
	}
	p := bundle.Problem{File: file, Line: line, Col: se.Col, Msg: se.Msg}
	if !se.EOF {
		return p
	}
	open := ""
	if se.OpenLine > 0 {
		open = fmt.Sprintf(": the %s that starts at column %d is not closed", se.Open, se.OpenCol)
	}
	if last {
		p.Msg = "unexpected end of file: the last case is cut short" + open
	} else {
		p.Msg = "the line ends inside the case" + open + "; each case must be one JSON object on one line"
	}
	return p
}

func readCase(c *bundle.Checker, v *jsonpos.Value) Case {
	var cs Case
	if v.Kind != jsonpos.Object {
		c.Report(v, "", "want a case, a JSON object with id and turns, got %s", v.Describe())
		return cs
	}
	o := c.Object(v, "", caseFields...)
	cs.ID = o.String("id", true)
	cs.Product = o.String("product", false)
	if s := o.String("at", false); s != "" {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			c.Report(o.Value("at"), "at", "want an RFC 3339 time such as 2026-06-18T20:30:00+08:00, got %q", s)
		}
		cs.At = at
	}
	turns := o.Array("turns", true)
	if list := o.Value("turns"); list != nil && list.Kind == jsonpos.Array && len(turns) == 0 {
		c.Report(list, "turns", "empty: a case needs at least one turn")
	}
	for i, tv := range turns {
		to := c.Object(tv, bundle.Index("turns", i), turnFields...)
		t := Turn{Role: to.String("role", to.OK()), Text: to.String("text", to.OK())}
		if t.Role != "" && t.Role != RoleBuyer && t.Role != RoleAgent {
			c.Report(to.Value("role"), to.Path("role"), "want %s or %s, got %q", RoleBuyer, RoleAgent, t.Role)
		}
		cs.Turns = append(cs.Turns, t)
	}
	expected := map[int][]string{}
	for i, ev := range o.Array("expect", false) {
		eo := c.Object(ev, bundle.Index("expect", i), expectFields...)
		e := Expect{Turn: turnIndex(c, eo, len(turns))}
		e.Nudges, _ = nudgeKinds(c, eo, false)
		e.Docs = uniqueStrings(c, eo, "docs")
		if eo.OK() && eo.Value("nudges") == nil && eo.Value("docs") == nil {
			c.Report(ev, bundle.Index("expect", i), "names neither nudges nor docs")
		}
		expected[e.Turn] = append(expected[e.Turn], e.Nudges...)
		cs.Expect = append(cs.Expect, e)
	}
	for i, fv := range o.Array("forbid", false) {
		fo := c.Object(fv, bundle.Index("forbid", i), forbidFields...)
		f := Forbid{Turn: turnIndex(c, fo, len(turns))}
		var at []*jsonpos.Value
		f.Nudges, at = nudgeKinds(c, fo, fo.OK())
		for j, k := range f.Nudges {
			if f.Turn >= 0 && contains(expected[f.Turn], k) {
				c.Report(at[j], bundle.Index(fo.Path("nudges"), j), "%q is also expected after turn %d", k, f.Turn)
			}
		}
		cs.Forbid = append(cs.Forbid, f)
	}
	return cs
}

// turnIndex reads a 0-based turn index that must name one of n turns; -1
// when it is missing or wrong.
func turnIndex(c *bundle.Checker, o bundle.Object, n int) int {
	i := o.Int("turn", o.OK(), 0, math.MaxInt32, -1)
	if i >= n && n > 0 {
		c.Report(o.Value("turn"), o.Path("turn"), "turn %d is past the last turn: the case has %d, numbered from 0", i, n)
		return -1
	}
	return i
}

// nudgeKinds reads a list of nudge kinds, each known and named once; at
// holds the value each came from.
func nudgeKinds(c *bundle.Checker, o bundle.Object, required bool) ([]string, []*jsonpos.Value) {
	kinds, at := o.Strings("nudges", required)
	var good []string
	var goodAt []*jsonpos.Value
	for i, k := range kinds {
		path := bundle.Index(o.Path("nudges"), i)
		switch {
		case !contains(NudgeKinds, k):
			c.Report(at[i], path, "unknown nudge kind %q%s; want one of %s", k,
				bundle.DidYouMean(k, NudgeKinds), strings.Join(NudgeKinds, ", "))
		case contains(good, k):
			c.Report(at[i], path, "%q is listed twice", k)
		default:
			good = append(good, k)
			goodAt = append(goodAt, at[i])
		}
	}
	if list := o.Value("nudges"); required && list != nil && list.Kind == jsonpos.Array && len(list.Array) == 0 {
		c.Report(list, o.Path("nudges"), "empty: name the nudges that must not be raised")
	}
	return good, goodAt
}

// uniqueStrings reads a list of strings, reporting repeats (each would be
// scored twice).
func uniqueStrings(c *bundle.Checker, o bundle.Object, key string) []string {
	list, at := o.Strings(key, false)
	var out []string
	for i, s := range list {
		if contains(out, s) {
			c.Report(at[i], bundle.Index(o.Path(key), i), "%q is listed twice", s)
			continue
		}
		out = append(out, s)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CheckCases checks cases against the shop they will be played on: the
// product each case views and every expected doc must exist in it. Problems
// are reported at the case's line.
func CheckCases(file string, cases []Case, shop *kb.Shop) error {
	c := &bundle.Checker{File: file}
	kinds := map[string]string{}
	for _, p := range shop.Products {
		kinds[p.ID] = "product"
	}
	for _, r := range shop.Rules {
		kinds[r.ID] = "rule"
	}
	for _, p := range shop.Phrases {
		kinds[p.ID] = "phrase"
	}
	var ids []string
	for id := range kinds {
		ids = append(ids, id)
	}
	sort.Strings(ids) // Closest must not depend on map order
	for _, cs := range cases {
		if cs.Product != "" {
			switch kind, ok := kinds[cs.Product]; {
			case !ok:
				c.ReportAt(cs.Line, 0, "product", "no product %q in shop %q%s", cs.Product, shop.Name, bundle.DidYouMean(cs.Product, ids))
			case kind != "product":
				c.ReportAt(cs.Line, 0, "product", "%q is a %s, not a product", cs.Product, kind)
			}
		}
		for i, e := range cs.Expect {
			for j, id := range e.Docs {
				if _, ok := kinds[id]; !ok {
					c.ReportAt(cs.Line, 0, fmt.Sprintf("expect[%d].docs[%d]", i, j),
						"no product, rule or phrase %q in shop %q%s", id, shop.Name, bundle.DidYouMean(id, ids))
				}
			}
		}
	}
	return c.Err()
}
