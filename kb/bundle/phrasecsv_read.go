package bundle

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"assist/kb"
	"assist/kb/fold"
	"assist/phrases"
)

// PhrasesCSVMode says what a sheet does to the shop's phrases.
type PhrasesCSVMode int

const (
	// MergePhrases updates the phrases whose id a row gives, adds the rest
	// and keeps phrases the sheet does not mention.
	MergePhrases PhrasesCSVMode = iota
	// ReplacePhrases makes the sheet the shop's whole list of phrases.
	ReplacePhrases
)

// ReadPhrasesCSV reads a phrases sheet and returns a copy of shop with its
// phrases merged or replaced; shop itself is not changed. Every problem is
// reported at once, each as file:line: column: message, and any problem
// means no change at all. The result passes the same checks as a bundle:
// ids unique across products, rules and phrases, scenes known, codes unique,
// every placeholder fillable by some product.
func ReadPhrasesCSV(file string, data []byte, shop *kb.Shop, mode PhrasesCSVMode) (*kb.Shop, error) {
	rows, err := readPhraseRows(file, data)
	if rows == nil && err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		// Most likely the wrong sheet, and with ReplacePhrases it would
		// delete every phrase.
		return nil, Problems{{File: file, Msg: "no phrases below the header row"}}
	}
	out, err2 := applyPhraseRows(file, rows, shop, mode)
	if err != nil || err2 != nil {
		// Report the rows' problems and the sheet's together, in line order.
		var all Problems
		for _, e := range []error{err, err2} {
			if ps, ok := e.(Problems); ok {
				all = append(all, ps...)
			}
		}
		return nil, sortByColumn(all)
	}
	return out, nil
}

// sortByColumn orders problems by line, then in the sheet's column order,
// so a row's problems read left to right.
func sortByColumn(ps Problems) Problems {
	order := map[string]int{}
	for i, c := range csvColumns {
		order[c.key] = i + 1
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return order[ps[i].Path] < order[ps[j].Path]
	})
	return ps
}

// phraseRow is one row read.
type phraseRow struct {
	kb.Phrase
	hasID bool
	// line is where the row starts in the file; a cell holding line breaks
	// makes it differ from the row's number in the sheet, row.
	line, row int
}

func readPhraseRows(file string, data []byte) ([]phraseRow, error) {
	c := &Checker{File: file}
	switch {
	case len(data) > MaxFileSize:
		return nil, Problems{{File: file, Msg: fmt.Sprintf("larger than %d MiB", MaxFileSize>>20)}}
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, Problems{{File: file, Msg: "UTF-16 text (Excel's \"Unicode text\"): save the sheet as \"CSV UTF-8 (逗号分隔)\" instead"}}
	}
	data = bytes.TrimPrefix(data, bom)
	if !utf8.Valid(data) {
		line := bytes.Count(data[:validPrefix(data)], []byte("\n")) + 1
		return nil, Problems{{File: file, Line: line, Msg: "not UTF-8 (GBK?): save the sheet as \"CSV UTF-8 (逗号分隔)\""}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, Problems{{File: file, Msg: "empty file: want a header row (场景 scene, 标题 title, 话术 text …) and one phrase a row"}}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, csvProblem(file, err)
	}
	cols, ok := readHeader(c, header)
	if !ok {
		return nil, c.Err()
	}
	var rows []phraseRow
	for {
		cells, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			c.Problems = append(c.Problems, csvProblem(file, err)...)
			break
		}
		line, _ := r.FieldPos(0)
		if blank(cells) {
			continue // Excel leaves empty rows at the end
		}
		if len(rows) == MaxPhrases {
			c.ReportAt(line, 0, "", "more than %d phrases", MaxPhrases)
			break
		}
		if len(cells) > len(cols) && !blank(cells[len(cols):]) {
			c.ReportAt(line, 0, "", "%d cells, the header names %d columns", len(cells), len(cols))
			continue
		}
		row := phraseRow{line: line, row: len(rows) + 2}
		for i, key := range cols {
			cell := ""
			if i < len(cells) {
				cell = unquoteFormula(cells[i])
			}
			readCell(c, &row, key, cell)
		}
		rows = append(rows, row)
	}
	return rows, c.Err()
}

// readHeader maps each column to its key; false when the header is unusable.
func readHeader(c *Checker, header []string) ([]string, bool) {
	var names []string
	for _, col := range csvColumns {
		names = append(names, col.key, col.label)
	}
	cols := make([]string, len(header))
	at := map[string]int{}
	for i, cell := range header {
		cell = strings.TrimSpace(cell)
		key := columnKey(cell)
		switch {
		case cell == "":
			c.ReportAt(1, 0, "", "column %d has no name; want one of %s", i+1, columnNames())
		case key == "":
			c.ReportAt(1, 0, "", "unknown column %q%s; want %s", cell, DidYouMean(cell, names), columnNames())
		case at[key] > 0:
			c.ReportAt(1, 0, "", "columns %d and %d are both %s", at[key], i+1, key)
		default:
			at[key] = i + 1
		}
		cols[i] = key
	}
	for _, col := range csvColumns {
		if col.required && at[col.key] == 0 {
			c.ReportAt(1, 0, "", "no %s %s column", col.label, col.key)
		}
	}
	return cols, len(c.Problems) == 0
}

// columnKey reads a header cell: 场景 scene, 场景, scene, Scene or 场景(scene).
func columnKey(cell string) string {
	cell = fold.String(cell)
	for _, col := range csvColumns {
		for _, name := range []string{col.key, col.label, col.label + " " + col.key, col.label + col.key,
			col.label + "(" + col.key + ")", col.label + "（" + col.key + "）", col.label + "/" + col.key} {
			if cell == name {
				return col.key
			}
		}
	}
	return ""
}

func columnNames() string {
	var out []string
	for _, col := range csvColumns {
		out = append(out, col.label+" "+col.key)
	}
	return strings.Join(out, ", ")
}

// report records a problem in the row's column key.
func (row *phraseRow) report(c *Checker, key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if row.row != row.line {
		msg += fmt.Sprintf(" (row %d of the sheet)", row.row)
	}
	c.ReportAt(row.line, 0, key, "%s", msg)
}

// readCell checks one cell of a row and stores it.
func readCell(c *Checker, row *phraseRow, key, cell string) {
	if len(cell) > MaxString {
		row.report(c, key, "too long: %d bytes, at most %d", len(cell), MaxString)
		return
	}
	trimmed := strings.TrimSpace(cell)
	switch key {
	case "id":
		row.ID, row.hasID = trimmed, trimmed != ""
	case "scene":
		row.Scene = sceneOf(trimmed)
		switch {
		case trimmed == "":
			row.report(c, key, "empty; want one of %s", sceneList())
		case !row.Scene.Valid():
			row.report(c, key, "%q is not a scene%s; want one of %s", trimmed, DidYouMean(trimmed, sceneNames()), sceneList())
		}
	case "title", "text":
		if trimmed == "" {
			row.report(c, key, "empty")
		}
		if key == "title" {
			row.Title = cell
		} else {
			row.Text = cell
		}
	case "tags":
		for _, t := range strings.FieldsFunc(cell, func(r rune) bool { return strings.ContainsRune(tagSeps, r) }) {
			if t = strings.TrimSpace(t); t != "" {
				row.Tags = append(row.Tags, t)
			}
		}
	case "code":
		row.Code = trimmed
		if why := kb.CheckCode(trimmed); trimmed != "" && why != "" {
			row.report(c, key, "%q %s", trimmed, why)
		}
	}
}

// sceneOf reads a scene by its code or its Chinese label, in simplified or
// traditional characters, full or half width.
func sceneOf(s string) kb.Scene {
	s = fold.String(s)
	for scene, label := range SceneLabels {
		if s == label {
			return scene
		}
	}
	return kb.Scene(s)
}

func sceneNames() []string {
	var out []string
	for _, s := range kb.Scenes {
		out = append(out, string(s), SceneLabels[s])
	}
	return out
}

// applyPhraseRows builds the new shop and checks it as a whole.
func applyPhraseRows(file string, rows []phraseRow, shop *kb.Shop, mode PhrasesCSVMode) (*kb.Shop, error) {
	c := &Checker{File: file}
	out := *shop
	out.Phrases = nil
	if mode == MergePhrases {
		out.Phrases = append([]kb.Phrase(nil), shop.Phrases...)
	}
	taken := map[string]string{} // id → what holds it
	for _, p := range shop.Products {
		taken[p.ID] = "product"
	}
	for _, r := range shop.Rules {
		taken[r.ID] = "rule"
	}
	at := map[string]int{} // phrase id → index in out.Phrases
	for i, p := range out.Phrases {
		at[p.ID] = i
	}
	rowOf := map[string]int{} // phrase id → line of the row that set it
	for _, row := range rows {
		if !row.hasID {
			continue
		}
		if kind, ok := taken[row.ID]; ok {
			row.report(c, "id", "%q is the id of a %s; phrase ids must differ from product and rule ids", row.ID, kind)
		} else if first, dup := rowOf[row.ID]; dup {
			row.report(c, "id", "duplicate id %q (first on line %d)", row.ID, first)
		}
		rowOf[row.ID] = row.line
	}
	next := 1
	for _, row := range rows {
		p := row.Phrase
		if !row.hasID {
			p.ID, next = freeID(taken, rowOf, at, next)
			rowOf[p.ID] = row.line
		}
		if i, ok := at[p.ID]; ok {
			out.Phrases[i] = p
		} else {
			at[p.ID] = len(out.Phrases)
			out.Phrases = append(out.Phrases, p)
		}
	}
	if len(out.Phrases) > MaxPhrases {
		c.ReportAt(0, 0, "", "the shop would have %d phrases, at most %d", len(out.Phrases), MaxPhrases)
	}
	checkSheet(c, &out, rows, rowOf)
	if err := c.Err(); err != nil {
		return nil, err
	}
	return &out, nil
}

// checkSheet checks what spans rows and the shop: short codes unique among
// all the shop's phrases, placeholders some product fills.
func checkSheet(c *Checker, shop *kb.Shop, rows []phraseRow, rowOf map[string]int) {
	codes := map[string]string{} // folded code → phrase id
	for _, p := range shop.Phrases {
		if p.Code == "" {
			continue
		}
		key := fold.String(p.Code)
		if other, dup := codes[key]; dup {
			line := rowOf[p.ID]
			if line == 0 {
				line = rowOf[other]
			}
			where := "phrase " + other
			if l := rowOf[other]; l > 0 {
				where = "line " + strconv.Itoa(l)
			}
			c.ReportAt(line, 0, "code", "short code %q is already %s's", p.Code, where)
			continue
		}
		codes[key] = p.ID
	}
	verdicts := map[string]*fillVerdict{}
	for _, row := range rows {
		names := unique(phrases.Placeholders(row.Text))
		if len(names) == 0 {
			continue
		}
		key := nameSet(names)
		v, done := verdicts[key]
		if !done {
			v = judge(shop, key)
			verdicts[key] = v
		}
		if v != nil {
			row.report(c, "text", "%s", v.message(names))
		}
	}
}

// freeID makes up an id for a new row: ph-1, ph-2 … the first free.
func freeID(taken map[string]string, rowOf, at map[string]int, n int) (string, int) {
	for ; ; n++ {
		id := "ph-" + strconv.Itoa(n)
		_, t := taken[id]
		_, r := rowOf[id]
		_, a := at[id]
		if !t && !r && !a {
			return id, n + 1
		}
	}
}

func unquoteFormula(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune(formulaLeads, rune(cell[1])) {
		return cell[1:]
	}
	return cell
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvProblem places an encoding/csv error at its line.
func csvProblem(file string, err error) Problems {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrQuote) {
			msg += `: a cell holding " must be in quotes, with the " doubled`
		}
		return Problems{{File: file, Line: pe.Line, Msg: msg}}
	}
	return Problems{{File: file, Msg: err.Error()}}
}

// validPrefix is the length of data's leading valid UTF-8.
func validPrefix(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}
