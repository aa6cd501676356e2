// Package search finds statute articles by their words: an in-memory BM25
// index over the articles of a law.Library, cut into words by kb/segment
// (so traditional and simplified, full and half width, match alike). The
// library is a few hundred articles, read-only, so a map of postings beats
// a bleve index on set-up and on every query.
package search

import (
	"math"
	"sort"
	"strings"
	"sync"

	"assist/kb/law"
	"assist/kb/segment"
)

// BM25 parameters, the usual ones.
const (
	k1 = 1.2
	b  = 0.75
)

// Index is the word index of a library's articles; safe for concurrent use.
type Index struct {
	lib      *law.Library
	articles []*law.Article
	postings map[string][]posting // term → articles holding it
	length   []int                // words per article
	avgLen   float64
}

type posting struct {
	doc  int
	freq int
}

// Hit is one article found.
type Hit struct {
	Article *law.Article
	// Score ranks hits; a hit the query cites outright (消法第二十四条)
	// comes first, with Cited set.
	Score float64
	Cited bool
}

var (
	defaultOnce  sync.Once
	defaultIndex *Index
)

// Default is the index of law.Default, built on first use (about 25 ms
// once the segmenter's dictionary is loaded).
func Default() *Index {
	defaultOnce.Do(func() { defaultIndex = New(law.Default()) })
	return defaultIndex
}

// New indexes every article of lib: its text and its chapter and section
// titles (so 法律责任 finds the penalties). A law's name is not indexed: in
// a query it narrows the search to that law instead.
func New(lib *law.Library) *Index {
	x := &Index{lib: lib, postings: map[string][]posting{}}
	for _, l := range lib.Laws() {
		for i := range l.Articles {
			a := &l.Articles[i]
			doc := len(x.articles)
			x.articles = append(x.articles, a)
			freq := map[string]int{}
			n := 0
			for _, text := range []string{a.Text, a.Chapter, a.Section} {
				for _, w := range segment.Words(text) {
					freq[w]++
					n++
				}
			}
			for w, f := range freq {
				x.postings[w] = append(x.postings[w], posting{doc: doc, freq: f})
			}
			x.length = append(x.length, n)
			x.avgLen += float64(n)
		}
	}
	if len(x.articles) > 0 {
		x.avgLen /= float64(len(x.articles))
	}
	return x
}

// Len is the number of articles indexed.
func (x *Index) Len() int { return len(x.articles) }

// Search returns at most limit articles for query, best first. Articles
// the query cites by law and number come first; then articles by the BM25
// score of the query's words, within the laws the query names alone
// (广告法 最高级) if any. A query with no word found returns none.
func (x *Index) Search(query string, limit int) []Hit {
	if limit <= 0 {
		return nil
	}
	var hits []Hit
	seen := map[*law.Article]bool{}
	cites, _ := x.lib.Resolve(query) // a query is not a source: what does not resolve is just words
	for _, c := range cites {
		if c.Article != nil && !seen[c.Article] {
			seen[c.Article] = true
			hits = append(hits, Hit{Article: c.Article, Score: math.Inf(1), Cited: true})
		}
	}
	within := map[string]bool{} // laws named alone
	for _, f := range strings.Fields(query) {
		if l, ok := x.lib.Law(f); ok {
			within[l.Name] = true
		}
	}
	scores := map[int]float64{}
	terms := map[string]bool{}
	for _, w := range segment.Words(query) {
		if l, ok := x.lib.Law(w); ok {
			within[l.Name] = true
			continue
		}
		if terms[w] {
			continue
		}
		terms[w] = true
		ps := x.postings[w]
		if len(ps) == 0 {
			continue
		}
		n := float64(len(x.articles))
		idf := math.Log(1 + (n-float64(len(ps))+0.5)/(float64(len(ps))+0.5))
		for _, p := range ps {
			f := float64(p.freq)
			norm := k1 * (1 - b + b*float64(x.length[p.doc])/x.avgLen)
			scores[p.doc] += idf * f * (k1 + 1) / (f + norm)
		}
	}
	docs := make([]int, 0, len(scores))
	for d := range scores {
		if a := x.articles[d]; !seen[a] && (len(within) == 0 || within[a.Law]) {
			docs = append(docs, d)
		}
	}
	sort.Slice(docs, func(i, j int) bool {
		if scores[docs[i]] != scores[docs[j]] {
			return scores[docs[i]] > scores[docs[j]]
		}
		return docs[i] < docs[j] // library order: stable across runs
	})
	for _, d := range docs {
		hits = append(hits, Hit{Article: x.articles[d], Score: scores[d]})
	}
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}
