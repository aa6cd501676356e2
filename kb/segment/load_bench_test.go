package segment

import (
	"testing"

	"github.com/go-ego/gse"
)

// BenchmarkLoad loads a whole copy of the dictionary (words.txt and zh_s)
// each time, as a cold start does: through gse's LoadDictEmbed (the way
// before), and through this package's loader.
//
//	go test ./kb/segment -run X -bench Load -benchtime 3x
func BenchmarkLoad(b *testing.B) {
	words, err := parseWords(embeddedWords, "words.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("gse-LoadDictEmbed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var seg gse.Segmenter
			seg.SkipLog, seg.NotLoadHMM = true, true
			seg.Dict = gse.NewDict()
			seg.Init()
			for _, w := range words {
				seg.AddToken(w.text, w.freq)
			}
			if err := seg.LoadDictEmbed("zh_s"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			newCopyWith(nil)
		}
	})
}
