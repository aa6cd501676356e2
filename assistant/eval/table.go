package eval

import (
	"fmt"
	"io"
	"strings"
)

// WriteTable prints the report for a person.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "assist eval: shop %s, %d cases, %d turns\n\n", r.Shop, r.Cases, r.Turns)
	fmt.Fprintf(w, "%-18s %8s %5s %10s %13s\n", "nudge", "expected", "hit", "forbidden", "false alarms")
	for _, k := range ScoredKinds {
		s := r.Nudges[k]
		fmt.Fprintf(w, "%-18s %8d %5d %10d %13d\n", k, s.Expected, s.Hit, s.Forbidden, s.FalseAlarm)
	}
	var info []string
	for _, k := range []string{"admission", "wording"} {
		if s := r.Info[k]; s != nil {
			info = append(info, fmt.Sprintf("%s raised on %d turns", k, s.Raised))
		}
	}
	fmt.Fprintf(w, "(not scored: %s)\n\n", strings.Join(info, ", "))
	fmt.Fprintf(w, "docs: %d expected, hit@1 %d, hit@3 %d, mrr %.3f\n", r.Docs.Expected, r.Docs.HitAt1, r.Docs.HitAt3, r.Docs.MRR)
	fmt.Fprintf(w, "latency per turn: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", r.Latency.P50, r.Latency.P99, r.Latency.Max)
	if len(r.Misses) == 0 {
		fmt.Fprintln(w, "\nmisses: none")
		return
	}
	fmt.Fprintf(w, "\nmisses (%d):\n", len(r.Misses))
	for _, m := range r.Misses {
		var parts []string
		if len(m.Missing) > 0 {
			parts = append(parts, "missing "+strings.Join(m.Missing, ", "))
		}
		if len(m.Unwanted) > 0 {
			parts = append(parts, "unwanted "+strings.Join(m.Unwanted, ", "))
		}
		if len(m.DocsMissing) > 0 {
			parts = append(parts, "not in top 3: "+strings.Join(m.DocsMissing, ", "))
		}
		fmt.Fprintf(w, "  %s turn %d: %s\n", m.Case, m.Turn, strings.Join(parts, "; "))
	}
}
