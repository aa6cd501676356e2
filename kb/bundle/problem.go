package bundle

import (
	"fmt"
	"sort"
	"strings"

	"assist/kb"
)

// Problem is one thing wrong in a file, where a person can find it.
type Problem struct {
	File string
	Line int // 1-based; 0 when the problem is the whole file
	Col  int // 1-based characters; 0 when only the line is known
	Path string
	Msg  string
}

// String reads `shop.json:41:7: products[3].pairs_with[0]: no product "x"`,
// leaving out what is unknown.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// MaxShown is how many problems Problems.Error lists before it only counts.
const MaxShown = 50

// Problems is every problem found in a file, an error of code kb.EInvalid.
type Problems []Problem

// Error lists the problems one a line, in file order, at most MaxShown.
func (ps Problems) Error() string {
	sorted := ps.Sorted()
	var b strings.Builder
	for i, p := range sorted {
		if i == MaxShown {
			fmt.Fprintf(&b, "\n… and %d more", len(sorted)-MaxShown)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Sorted returns the problems by file position; whole-file problems first,
// and problems at one spot in the order they were found.
func (ps Problems) Sorted() Problems {
	out := append(Problems(nil), ps...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Col < out[j].Col
	})
	return out
}

// Unwrap lets kb.ErrorCode see a malformed file as kb.EInvalid.
func (ps Problems) Unwrap() error {
	return &kb.Error{Code: kb.EInvalid, Message: ps.Error()}
}
