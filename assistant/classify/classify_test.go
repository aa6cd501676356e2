package classify

import (
	"testing"
	"time"
)

func TestTrainAndCV(t *testing.T) {
	ex, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c := New(ex, TrainOptions{})
	t.Logf("%d examples, trained in %v, buyer features %d", len(ex), time.Since(start), c.Buyer.Features())
	for _, th := range []float64{0.5, 0.6, 0.7, 0.8} {
		tally := NewTally(c.Buyer.Classes())
		LeaveOneTradeOut(ex, TrainOptions{}, func(f Fold) {
			for _, e := range f.Held {
				tally.Add(e.Category, Decide(f.Model.Buyer.Read(e.Text), th))
			}
		})
		for _, s := range Sorted(tally.Kinds) {
			t.Logf("th %.1f %-10s recall %.3f FA %.3f (%d/%d)", th, s.Name, s.Recall(), s.FARate(), s.FalseAlarm, s.Others)
		}
		if th == 0.6 {
			for _, s := range Sorted(tally.Categories) {
				t.Logf("   %-28s recall %.3f FA %.4f prec %.3f", s.Name, s.Recall(), s.FARate(), s.Precision())
			}
		}
	}
}
