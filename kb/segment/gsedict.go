package segment

import (
	"strings"
	_ "unsafe" // go:linkname

	"github.com/go-ego/gse"
)

// gseZhS is gse's simplified-Chinese dictionary (data/dict/zh/s_1.txt),
// the text LoadDictEmbed("zh_s") loads. gse only loads it through
// LoadDictStr, which weighs the whole dictionary (CalcToken) at once; a
// shop's words added after that need a second weighing of all 350,000
// words, a few hundred ms of every cold start. Reading the text directly
// lets the first load take the shop's words in before its one weighing.
// gse is pinned (gseVersion, go.sum); a gse without this variable fails to
// link, and TestFastLoadCutsAsGse checks the load against LoadDictEmbed.
//
//go:linkname gseZhS github.com/go-ego/gse.zhS
var gseZhS string

// addGseWords adds the words of a gse dictionary text as LoadDictStr does
// (same fields, same frequency rules through seg.Size), without weighing.
// Reading the lines into tokens (a fifth of the time) runs on another core
// ahead of the trie's inserts, which must run one after another, in order.
func addGseWords(seg *gse.Segmenter, dict string) {
	const batch = 4096
	batches := make(chan []gse.Token, 4)
	go func() {
		defer close(batches)
		sep := seg.DictSep + " "
		toks := make([]gse.Token, 0, batch)
		for rest := dict; rest != ""; {
			var line string
			line, rest, _ = strings.Cut(rest, "\n")
			fields := strings.SplitN(line, sep, 4) // Size looks at the count only below 2
			text := strings.TrimSpace(fields[0])
			freqText := ""
			if len(fields) > 1 {
				freqText = strings.TrimSpace(fields[1])
			}
			freq := seg.Size(len(fields), text, freqText)
			if freq == 0 {
				continue
			}
			pos := ""
			if len(fields) > 2 {
				pos = strings.TrimSpace(strings.Trim(fields[2], "\n"))
			}
			if toks = append(toks, seg.ToToken(text, freq, pos)); len(toks) == batch {
				batches <- toks
				toks = make([]gse.Token, 0, batch)
			}
		}
		batches <- toks
	}()
	for toks := range batches {
		for _, t := range toks {
			seg.Dict.AddToken(t) // as seg.AddToken, which is ToToken then this
		}
	}
}
