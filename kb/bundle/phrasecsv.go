package bundle

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"assist/kb"
)

// The phrases CSV is how shops keep 话术 today: a sheet with one phrase a
// row, edited in Excel or WPS. WritePhrasesCSV writes what those open
// without asking (UTF-8 with a byte order mark, CRLF line ends); a header
// cell names its column in Chinese and English, 场景 scene, and reading
// accepts either name alone, in any column order.

// csvColumn is one column of the sheet.
type csvColumn struct {
	key, label string
	required   bool
}

var csvColumns = []csvColumn{
	{"id", "编号", false}, // empty on a new row: an id is made up
	{"scene", "场景", true},
	{"title", "标题", true},
	{"text", "话术", true},
	{"tags", "标签", false},
	{"code", "快捷码", false},
}

// SceneLabels are the Chinese names of the scenes, as the panel shows them
// (web/static/labels.js; TestSceneLabelsMatchPanel keeps the two in step).
// A sheet may name a scene either way.
var SceneLabels = map[kb.Scene]string{
	kb.SceneGreeting:  "问候",
	kb.SceneProduct:   "商品咨询",
	kb.SceneUpsell:    "搭配套餐",
	kb.SceneUrgePay:   "催付",
	kb.SceneShipping:  "发货物流",
	kb.SceneAfterSale: "售后",
	kb.SceneEvidence:  "取证",
	kb.SceneClosing:   "结束语",
}

// tagSeps split a tags cell; a tag written out may hold none of them.
const tagSeps = "、,，;；|\n"

// formulaLeads start a cell that Excel would run as a formula; such a cell
// is written behind a ' (which Excel hides) and read back without it.
const formulaLeads = "=+-@"

var bom = []byte("\uFEFF")

// WritePhrasesCSV writes phrases as a sheet that ReadPhrasesCSV reads back
// to the same phrases.
func WritePhrasesCSV(w io.Writer, list []kb.Phrase) error {
	for _, p := range list {
		for _, tag := range p.Tags {
			if strings.ContainsAny(tag, tagSeps) {
				return fmt.Errorf("phrase %s: tag %q holds one of %q, which a CSV tags cell splits on", p.ID, tag, tagSeps)
			}
		}
	}
	if _, err := w.Write(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := make([]string, len(csvColumns))
	for i, c := range csvColumns {
		header[i] = c.label + " " + c.key
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, p := range list {
		row := []string{p.ID, string(p.Scene), p.Title, p.Text, strings.Join(p.Tags, "、"), p.Code}
		for i, cell := range row {
			if cell != "" && strings.ContainsRune(formulaLeads, rune(cell[0])) {
				row[i] = "'" + cell
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
