package segment

import (
	"runtime"
	"testing"

	"github.com/go-ego/gse"
)

// BenchmarkLoad loads a whole copy of the dictionary (words.txt and zh_s)
// each time, as a cold start does: through gse's LoadDictEmbed (the way
// before), through this package's loader, and from the dictionary a load
// before kept (a server's later starts).
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
	b.Run("kept", func(b *testing.B) {
		if !keepable {
			b.Skip("nothing is kept with this gse or cedar")
		}
		KeepDictionaryIn(b.TempDir())
		defer KeepDictionaryIn("")
		loadDict()
		reads := keptReads.Load()
		b.ReportAllocs()
		for b.Loop() {
			newCopyWith(nil)
		}
		if keptReads.Load()-reads != int64(b.N) {
			b.Fatalf("%d of %d loads read the kept dictionary", keptReads.Load()-reads, b.N)
		}
	})
}

// BenchmarkCollect is one whole garbage collection of a process holding
// two copies of the dictionary, as a server does once the standby copy is
// loaded, and nothing else: the collector's share of the dictionary, paid
// by every collection. "built": copies as built (a first start before
// session 32); "kept": read from the kept file, as every copy is now. It
// reports the heap's objects.
//
//	go test ./kb/segment -run X -bench Collect -benchtime 20x
func BenchmarkCollect(b *testing.B) {
	for _, from := range []string{"built", "kept"} {
		b.Run(from, func(b *testing.B) {
			load := buildDict
			if from == "kept" {
				if !keepable {
					b.Skip("nothing is kept with this gse or cedar")
				}
				KeepDictionaryIn(b.TempDir())
				defer KeepDictionaryIn("")
				loadDict() // builds and keeps
				load = loadDict
			}
			copies := []*copyOf{load(), load()}
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			for b.Loop() {
				runtime.GC()
			}
			b.ReportMetric(float64(m.HeapObjects), "heap-objects")
			b.ReportMetric(float64(m.HeapAlloc>>20), "heap-MiB")
			runtime.KeepAlive(copies)
		})
	}
}
