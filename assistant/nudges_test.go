package assistant

import (
	"strings"
	"testing"

	"assist/assistant/cues"
	"assist/kb"
	"assist/kb/bundle"
)

func demoEngine(t *testing.T) *Engine {
	t.Helper()
	shop, err := bundle.Load("../cmd/assist/demo/shop.json")
	if err != nil {
		t.Fatal(err)
	}
	return engineFor(t, shop)
}

// nudge finds the nudge of kind/category in s.
func nudge(s *Suggestions, kind, category string) (Nudge, bool) {
	for _, n := range s.Nudges {
		if n.Kind == kind && n.Category == category {
			return n, true
		}
	}
	return Nudge{}, false
}

// TestClassifierFillsTheLexiconsSilence: turns the cue lexicon has no word
// for raise their nudge through the classifier, with the pieces that
// weighed most as triggers and the explanation; the lexicon's checks still
// cancel a pre-sale question, a supposition and a retraction.
func TestClassifierFillsTheLexiconsSilence(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		name, text     string
		kind, category string // "" for no nudge of kind
	}{
		{"fault in new words", "新买的鞋垫踩了两天就塌下去弹不回来了", NudgeEvidence, "quality"},
		{"shown delivered, nothing there", "快递显示放门口了,我回家门口啥也没有", NudgeEvidence, "not_received"},
		{"buying in new words", "行吧那给我来一双吧", NudgeUpsell, "buy_intent"},
		{"pre-sale question", "这鞋垫踩久了会不会塌下去弹不回来", NudgeEvidence, ""},
		{"supposition", "如果鞋垫踩两天就塌下去弹不回来怎么办", NudgeEvidence, ""},
		{"taken back", "刚才说鞋垫塌了,没事了是我看错了", NudgeEvidence, ""},
		{"chit-chat", "今天下雨了,你们那边冷吗", NudgeEvidence, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := turn(t, e, "m"+string(rune('a'+i)), Buyer, tt.text, "", at(10, 0))
			if tt.category == "" {
				if has(kinds(s), tt.kind) {
					t.Errorf("%q raised %s: %+v", tt.text, tt.kind, s.Nudges)
				}
				return
			}
			n, ok := nudge(s, tt.kind, tt.category)
			if !ok {
				t.Fatalf("%q: no %s/%s nudge in %+v", tt.text, tt.kind, tt.category, s.Nudges)
			}
			if len(n.Why) == 0 || len(n.Triggers) == 0 || !strings.Contains(n.Reason, "模型判断") ||
				!strings.HasPrefix(n.Why[len(n.Why)-1], "像“") {
				t.Errorf("a classifier nudge must say why (pieces and alike lines): %+v", n)
			}
			for _, w := range n.Triggers {
				if !strings.Contains(tt.text, w) {
					t.Errorf("trigger %q is not the buyer's words %q", w, tt.text)
				}
			}
		})
	}
}

// TestLexiconNudgesCarryNoModelExplanation: where the lexicon speaks, its
// own words are the explanation and the classifier adds nothing.
func TestLexiconNudgesCarryNoModelExplanation(t *testing.T) {
	e := newTestEngine(t)
	s := turn(t, e, "lex", Buyer, "鞋子收到了,少了一只", "", at(10, 0))
	n, ok := nudge(s, NudgeEvidence, "missing")
	if !ok || len(n.Why) != 0 || strings.Contains(n.Reason, "模型") {
		t.Errorf("lexicon nudge = %+v, %v", n, ok)
	}
}

// TestReviewCashbackFindsTheRule: a buyer asking whether a good review earns
// cashback is told the rule, never offered the phrase that asks for a review.
func TestReviewCashbackFindsTheRule(t *testing.T) {
	e := demoEngine(t)
	for i, text := range []string{"给好评有返现吗", "五星好评能返几块钱"} {
		s := turn(t, e, "cb"+string(rune('a'+i)), Buyer, text, "", at(10, 0))
		n, ok := nudge(s, "policy", "review_cashback")
		if !ok || n.Rule == nil || n.Rule.ID != "law-review-extortion" {
			t.Errorf("%q: policy nudge = %+v (found %v), want it to cite law-review-extortion", text, n, ok)
		}
		if got := ruleIDs(s); len(got) == 0 || got[0] != "law-review-extortion" {
			t.Errorf("%q: rules %v, want law-review-extortion first", text, got)
		}
		if has(phraseIDs(s), "say-ask-review") {
			t.Errorf("%q: phrases %v ask for a review", text, phraseIDs(s))
		}
		if has(kinds(s), NudgeUpsell) || has(kinds(s), NudgeEvidence) {
			t.Errorf("%q: nudges %v, want only the policy one", text, kinds(s))
		}
	}
}

// BenchmarkModelCues is what the statistical layer adds to a buyer turn:
// reading it, and for a turn it raises a nudge on, the explanation, the
// nearest labelled lines and the lexicon's checks.
func BenchmarkModelCues(b *testing.B) {
	lex, cl := cues.Default(), model()
	for _, bc := range []struct{ name, text string }{
		{"raises", "新买的鞋垫踩了两天就塌下去弹不回来了"},
		{"silent", "你好在吗,这款有黑色的吗,尺码偏大还是偏小"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			found := lex.Detect("buyer", bc.text)
			b.ReportAllocs()
			for b.Loop() {
				modelCues(lex, cl, modelThreshold, "buyer", bc.text, found)
			}
		})
	}
}

// TestClassifierHonoursTheShopsLessons: a line the shop labelled "this
// nudge is wrong" stays quiet in that shop, whichever layer would raise it,
// and nudges in a shop that taught nothing.
func TestClassifierHonoursTheShopsLessons(t *testing.T) {
	line := "新买的鞋垫踩了两天就塌下去弹不回来了"
	taught := shoeShop(t)
	taught.Lessons = kb.Lessons{Examples: []kb.Example{{Category: "evidence.quality", Role: "buyer", Text: line, Positive: false}}}
	if s := turn(t, engineFor(t, taught), "l1", Buyer, line, "", at(10, 0)); has(kinds(s), NudgeEvidence) {
		t.Errorf("the shop labelled %q wrong, yet: %+v", line, s.Nudges)
	}
	if s := turn(t, newTestEngine(t), "l2", Buyer, line, "", at(10, 0)); !has(kinds(s), NudgeEvidence) {
		t.Errorf("a shop that taught nothing: %q raised %+v, want evidence", line, s.Nudges)
	}
}
