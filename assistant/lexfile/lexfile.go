// Package lexfile reads the line format every word list of the assistant is
// written in: `# comments`, blank lines, `[section]` headers and one entry a
// line. Each list (cue words, time words, the engine's terms) gives the
// entries their meaning; this package only finds them, numbers them and
// reports layout mistakes as file:line, the same way for every list.
package lexfile

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// Line is one meaningful line of a list file.
type Line struct {
	N       int    // 1-based line number
	Section string // the section the line is in (for a header: the new one)
	Header  bool   // the line is a [section] header
	Text    string // the entry, comment and surrounding space removed
}

// Each calls fn for every header and entry of data, in order. A header
// without its closing bracket, or an entry before any header, stops the read
// with an error naming file:line; so does the first error fn returns.
func Each(file string, data []byte, fn func(Line) error) error {
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if i := strings.Index(text, "#"); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, "[") {
			if !strings.HasSuffix(text, "]") {
				return Errorf(file, n, "section header %q has no closing ]", text)
			}
			section = strings.TrimSpace(text[1 : len(text)-1])
			if err := fn(Line{N: n, Section: section, Header: true, Text: text}); err != nil {
				return err
			}
			continue
		}
		if section == "" {
			return Errorf(file, n, "%q comes before any [section]", text)
		}
		if err := fn(Line{N: n, Section: section, Text: text}); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// Errorf formats an error about line n of file.
func Errorf(file string, n int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", file, n, fmt.Sprintf(format, args...))
}
