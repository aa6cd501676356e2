package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"assist/assistant"
	"assist/assistant/classify"
	"assist/assistant/cues"
)

func init() { register(&corpusCmd{}) }

// corpusCmd reports how the nudge readers do on the labelled corpus: per
// category and kind, the lexicon alone, the classifier alone and the two
// combined, in a leave-one-trade-out cross-validation (each trade's lines
// read by a model trained on every other trade's), and on the real buyer
// lines alone.
type corpusCmd struct{}

func (*corpusCmd) Name() string { return "corpus" }
func (*corpusCmd) Synopsis() string {
	return "score the nudge readers on the labelled corpus (leave-one-trade-out)"
}

func (c *corpusCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-corpus FILE.tsv] [-threshold P] [-json]")
	file := fs.String("corpus", "", "labelled corpus (TSV: role, category, trade, source, text); default: the embedded one")
	threshold := fs.Float64("threshold", assistant.ModelThreshold, "probability from which the classifier raises a kind")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the tables")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *threshold <= 0 || *threshold > 1 {
		fmt.Fprintln(stderr, "-threshold must be in (0, 1]")
		return errUsage
	}
	var ex []classify.Example
	var err error
	if *file != "" {
		ex, err = classify.LoadCorpus(*file)
	} else {
		ex, err = classify.Corpus()
	}
	if err != nil {
		return err
	}
	r := scoreCorpus(ex, cues.Default(), *threshold)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	r.write(stdout)
	return nil
}

// Readers the corpus report compares.
const (
	readerLexicon = "lexicon"
	readerModel   = "model"
	readerBoth    = "both"
)

var readers = []string{readerLexicon, readerModel, readerBoth}

// corpusReport is `assist corpus -json`.
type corpusReport struct {
	Lines     int                       `json:"lines"`
	Buyer     int                       `json:"buyer_lines"`
	Agent     int                       `json:"agent_lines"`
	Trades    map[string]map[string]int `json:"trades"`     // trade → kind (or none) → lines
	Sources   map[string]int            `json:"sources"`    // real-buyer-messages, team-written, hard-negative
	Threshold float64                   `json:"threshold"`  // the classifier's
	TrainMS   float64                   `json:"train_ms"`   // one model on the whole corpus
	CV        map[string]*readerScores  `json:"cv"`         // reader → scores over every held-out trade
	Real      map[string]*readerScores  `json:"real_lines"` // reader → scores on the real lines' fold
}

// readerScores is one reader's figures.
type readerScores struct {
	Kinds       []*classify.Score `json:"kinds"`
	Categories  []*classify.Score `json:"categories"`
	MacroRecall float64           `json:"macro_recall"` // over categories
	FARate      float64           `json:"fa_rate"`      // lines raising a kind they are not of, over all lines
}

// scoredAs maps lexicon categories the corpus labels under another name.
var scoredAs = map[string]string{"evidence.gift_missing": "evidence.missing"}

// scoreCorpus runs the cross-validation: every buyer line of a trade is read
// by models trained without that trade.
func scoreCorpus(ex []classify.Example, lex *cues.Lexicon, threshold float64) *corpusReport {
	r := &corpusReport{Lines: len(ex), Trades: map[string]map[string]int{}, Sources: map[string]int{}, Threshold: threshold}
	var cats []string
	for _, e := range ex {
		src, _, _ := strings.Cut(e.Source, ":")
		r.Sources[src]++
		if e.Role == "agent" {
			r.Agent++
			continue
		}
		r.Buyer++
		if r.Trades[e.Trade] == nil {
			r.Trades[e.Trade] = map[string]int{}
		}
		r.Trades[e.Trade][e.Kind()]++
		if e.Category != classify.None && !slices.Contains(cats, e.Category) {
			cats = append(cats, e.Category)
		}
	}
	sort.Strings(cats)
	start := time.Now()
	classify.New(ex, classify.TrainOptions{})
	r.TrainMS = float64(time.Since(start).Microseconds()) / 1000

	cv, real := map[string]*classify.Tally{}, map[string]*classify.Tally{}
	wrong := map[string][2]int{} // reader → lines raising a wrong kind, over cv and real
	for _, name := range readers {
		cv[name], real[name] = classify.NewTally(cats), classify.NewTally(cats)
	}
	classify.LeaveOneTradeOut(ex, classify.TrainOptions{}, func(f classify.Fold) {
		for _, e := range f.Held {
			raised := map[string][]string{
				readerLexicon: assistant.ReadTurn(lex, nil, threshold, assistant.Buyer, e.Text),
				readerModel:   classify.Decide(f.Model.Buyer.Read(e.Text), threshold),
				readerBoth:    assistant.ReadTurn(lex, f.Model, threshold, assistant.Buyer, e.Text),
			}
			for name, rs := range raised {
				rs = scoredCategories(rs)
				cv[name].Add(e.Category, rs)
				w := wrong[name]
				if raisesWrongKind(e.Category, rs) {
					w[0]++
					if e.Trade == "real" {
						w[1]++
					}
				}
				wrong[name] = w
				if e.Trade == "real" {
					real[name].Add(e.Category, rs)
				}
			}
		}
	})
	realLines := r.Trades["real"]
	nReal := 0
	for _, n := range realLines {
		nReal += n
	}
	r.CV, r.Real = map[string]*readerScores{}, map[string]*readerScores{}
	for _, name := range readers {
		r.CV[name] = scores(cv[name], wrong[name][0], r.Buyer)
		r.Real[name] = scores(real[name], wrong[name][1], nReal)
	}
	return r
}

// scoredCategories keeps the nudge categories the corpus labels.
func scoredCategories(raised []string) []string {
	var out []string
	for _, c := range raised {
		if to, ok := scoredAs[c]; ok {
			c = to
		}
		if k := classify.KindOf(c); k == "evidence" || k == "upsell" {
			out = append(out, c)
		}
	}
	return out
}

func raisesWrongKind(label string, raised []string) bool {
	for _, c := range raised {
		if classify.KindOf(c) != classify.KindOf(label) {
			return true
		}
	}
	return false
}

func scores(t *classify.Tally, wrong, lines int) *readerScores {
	s := &readerScores{Kinds: classify.Sorted(t.Kinds), Categories: classify.Sorted(t.Categories)}
	s.MacroRecall = classify.MacroRecall(s.Categories)
	if lines > 0 {
		s.FARate = float64(wrong) / float64(lines)
	}
	return s
}

func (r *corpusReport) write(w io.Writer) {
	fmt.Fprintf(w, "corpus: %d lines (%d buyer, %d agent); sources:", r.Lines, r.Buyer, r.Agent)
	for _, s := range sortedKeys(r.Sources) {
		fmt.Fprintf(w, " %s %d", s, r.Sources[s])
	}
	fmt.Fprintf(w, "\none model trains in %.0f ms\n\n", r.TrainMS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "trade\tbuyer lines\tevidence\tupsell\tnone\t")
	for _, tr := range sortedKeys(r.Trades) {
		k := r.Trades[tr]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", tr, k["evidence"]+k["upsell"]+k["none"], k["evidence"], k["upsell"], k["none"])
	}
	tw.Flush()
	fmt.Fprintf(w, "\nleave-one-trade-out (each trade read by models trained on the others), classifier threshold %.2f\n", r.Threshold)
	writeReaders(w, r.CV)
	fmt.Fprintln(w, "\nreal buyer lines (the real-buyer-messages fold: models trained on the team's lines only)")
	writeReaders(w, r.Real)
}

func writeReaders(w io.Writer, rs map[string]*readerScores) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\tlines\t")
	for _, name := range readers {
		fmt.Fprintf(tw, "%s recall\tFA rate\t", name)
	}
	fmt.Fprintln(tw)
	row := func(name string, get func(*readerScores) *classify.Score) {
		first := get(rs[readers[0]])
		fmt.Fprintf(tw, "%s\t%d\t", name, first.Lines)
		for _, rd := range readers {
			s := get(rs[rd])
			fmt.Fprintf(tw, "%.3f\t%.4f\t", s.Recall(), s.FARate())
		}
		fmt.Fprintln(tw)
	}
	for i, k := range rs[readers[0]].Kinds {
		row(k.Name, func(s *readerScores) *classify.Score { return s.Kinds[i] })
	}
	for i, c := range rs[readers[0]].Categories {
		row("  "+c.Name, func(s *readerScores) *classify.Score { return s.Categories[i] })
	}
	fmt.Fprint(tw, "macro recall / wrong-kind rate\t\t")
	for _, name := range readers {
		fmt.Fprintf(tw, "%.3f\t%.4f\t", rs[name].MacroRecall, rs[name].FARate)
	}
	fmt.Fprintln(tw)
	tw.Flush()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
