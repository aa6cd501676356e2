package jsonpos

import (
	"sort"
	"unicode/utf8"
)

// locator turns byte offsets into 1-based line and character columns. Line
// starts are found once; the column of the last answer is remembered, so
// asking in file order, as the parser does, costs time linear in the input
// even when everything is on one long line.
type locator struct {
	data     []byte
	starts   []int // byte offset of each line's first byte
	lastOff  int
	lastLine int
	lastCol  int
}

func newLocator(data []byte) *locator {
	starts := []int{0}
	// A byte order mark is invisible in an editor: columns start after it.
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		starts[0] = 3
	}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &locator{data: data, starts: starts}
}

// pos returns the line and column of byte offset off.
func (l *locator) pos(off int) (line, col int) {
	if off > len(l.data) {
		off = len(l.data)
	}
	line = sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off })
	if line == 0 { // inside the byte order mark
		return 1, 1
	}
	from, col := l.starts[line-1], 1
	if l.lastLine == line && l.lastOff <= off && l.lastOff >= from {
		from, col = l.lastOff, l.lastCol
	}
	col += utf8.RuneCount(l.data[from:off])
	l.lastOff, l.lastLine, l.lastCol = off, line, col
	return line, col
}
