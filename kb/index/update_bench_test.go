package index

import (
	"path/filepath"
	"strconv"
	"testing"

	"assist/kb"
	"assist/kb/synth"
)

// BenchmarkPhraseEdit is one phrase edit on a shop of 2,000 products and
// 1,000 phrases: the whole index rebuilt (as every edit did before PutPhrase)
// beside the one phrase put in place.
//
//	go test ./kb/index -run X -bench PhraseEdit -benchtime 5x -count 3
func BenchmarkPhraseEdit(b *testing.B) {
	shop := synth.Shop(synth.Size{Products: 2000, Phrases: 1000})
	edit := func(i int) kb.Phrase {
		ph := shop.Phrases[i%len(shop.Phrases)]
		ph.Text += "(第" + strconv.Itoa(i) + "版)"
		return ph
	}
	b.Run("rebuild", func(b *testing.B) {
		dir := filepath.Join(b.TempDir(), "index")
		for i := 0; b.Loop(); i++ {
			shop.Phrases[0] = edit(i)
			ix, err := Build(dir, shop)
			if err != nil {
				b.Fatal(err)
			}
			ix.Close()
		}
	})
	b.Run("put", func(b *testing.B) {
		ix, err := Build(filepath.Join(b.TempDir(), "index"), shop)
		if err != nil {
			b.Fatal(err)
		}
		defer ix.Close()
		for i := 0; b.Loop(); i++ {
			ph := edit(i)
			if err := ix.PutPhrase(&ph); err != nil {
				b.Fatal(err)
			}
		}
	})
}
