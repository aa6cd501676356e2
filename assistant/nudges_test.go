package assistant

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"assist/assistant/classify"
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
				modelCues(lex, cl, modelThreshold, "buyer", bc.text, found, "")
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

// TestFollowUpContinuesTheComplaint: the buyer's next words after a
// complaint are read in its light. A line that leans to a complaint goes on
// with it (the same category, said to follow on), a reply that only
// carries the chat on does not, and the same line in a chat with no
// complaint open is read alone.
func TestFollowUpContinuesTheComplaint(t *testing.T) {
	e := newTestEngine(t)
	const complaint = "单号显示已经签收了 可我没收到啊"
	const ask = "亲,麻烦先问问家人或门卫有没有帮忙代收哈"
	tests := []struct {
		name, text string
		continues  bool
	}{
		{"the station has none either", "都问过了 驿站也说没有这个件", true},
		{"the family neither", "家里人都说没拿到", true},
		{"asked everyone", "我已经问过了 都说没收到", true},
		{"thanks", "好的 谢谢", false},
		{"photos sent", "照片发你了", false},
		{"when is it fixed", "那什么时候能处理好", false},
		{"waiting", "好的亲 那我等你们回复", false},
		{"up to you", "你们看着办吧", false},
		{"found it", "我自己找到了 不好意思", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conv := fmt.Sprintf("f%d", i)
			if s := turn(t, e, conv, Buyer, complaint, "", at(10, 0)); !has(kinds(s), NudgeEvidence) {
				t.Fatalf("the complaint raised %+v", s.Nudges)
			}
			turn(t, e, conv, Agent, ask, "", at(10, 1))
			s := turn(t, e, conv, Buyer, tt.text, "", at(10, 2))
			n, ok := nudge(s, NudgeEvidence, "not_received")
			if ok != tt.continues {
				t.Fatalf("after a complaint, %q raised %+v; want evidence: %v", tt.text, s.Nudges, tt.continues)
			}
			if ok && (!strings.Contains(n.Reason, "接着上一句") || len(n.Why) == 0) {
				t.Errorf("a follow-up nudge must say it follows the complaint and why: %+v", n)
			}
		})
	}
	for _, line := range []string{"都问过了 驿站也说没有这个件", "家里人都说没拿到"} {
		if s := turn(t, e, "alone "+line, Buyer, line, "", at(10, 0)); has(kinds(s), NudgeEvidence) {
			t.Errorf("%q with no complaint open raised %+v", line, s.Nudges)
		}
	}
	// A reply that raised nothing closes the complaint: what follows is
	// read alone again.
	conv := "closed"
	turn(t, e, conv, Buyer, complaint, "", at(10, 0))
	turn(t, e, conv, Buyer, "好的 谢谢", "", at(10, 1))
	if s := turn(t, e, conv, Buyer, "家里人都说没拿到", "", at(10, 2)); has(kinds(s), NudgeEvidence) {
		t.Errorf("a complaint closed by a plain reply still carried on: %+v", s.Nudges)
	}
}

// TestClassifierComplaintEndsUpselling: a complaint only the classifier
// recognised ends upselling for the chat as the lexicon's complaints do,
// live and after the chat is restored from its stored turns.
func TestClassifierComplaintEndsUpselling(t *testing.T) {
	e := newTestEngine(t)
	complaint := Turn{Role: Buyer, Text: "新买的鞋垫踩了两天就塌下去弹不回来了", At: at(10, 0)}
	if found := e.cues.Detect("buyer", complaint.Text); len(found) > 0 {
		t.Fatalf("the lexicon already knows %q (%+v): pick a line only the classifier reads", complaint.Text, found)
	}
	bargain := Turn{Role: Buyer, Text: "那再买一双能便宜点吗", At: at(10, 2)}
	if s := turn(t, e, "fresh", Buyer, bargain.Text, "", at(10, 0)); !has(kinds(s), NudgeUpsell) {
		t.Fatalf("%q alone raised %+v, want upsell", bargain.Text, s.Nudges)
	}
	live := NewConversation("live")
	s, err := e.Turn(live, complaint)
	if err != nil || !has(kinds(s), NudgeEvidence) {
		t.Fatalf("complaint: %v %+v, want evidence", err, s)
	}
	if s, _ := e.Turn(live, bargain); has(kinds(s), NudgeUpsell) {
		t.Errorf("upsell into a complaint the classifier raised: %+v", s.Nudges)
	}
	restored := NewConversation("restored")
	e.Replay(restored, []Turn{complaint})
	if s, _ := e.Turn(restored, bargain); has(kinds(s), NudgeUpsell) {
		t.Errorf("after a restore, upsell into a complaint the classifier raised: %+v", s.Nudges)
	}
}

// TestPhraseTaggedWithTheComplaintFitsIt: a phrase whose tags say the
// category of the complaint the turn raised is suggested for it though it
// shares no word with the buyer's, ahead of a phrase of the same scene for
// another complaint.
func TestPhraseTaggedWithTheComplaintFitsIt(t *testing.T) {
	shop := shoeShop(t)
	shop.Phrases = append(shop.Phrases,
		kb.Phrase{ID: "s-late", Scene: kb.SceneEvidence, Title: "物流跟进", Tags: []string{"物流", "快递"},
			Text: "亲,这种情况我们有专人跟进~"},
		kb.Phrase{ID: "s-glue", Scene: kb.SceneEvidence, Title: "鞋面跟进", Tags: []string{"脱胶", "起球"},
			Text: "亲,这种情况我们有专人跟进哦~"})
	e := engineFor(t, shop)
	s := turn(t, e, "tag", Buyer, "鞋子穿了两天就开线了", "", at(10, 0))
	if _, ok := nudge(s, NudgeEvidence, "quality"); !ok {
		t.Fatalf("no quality complaint raised: %+v", s.Nudges)
	}
	ids := phraseIDs(s)
	if !has(ids, "s-glue") || has(ids, "s-late") {
		t.Errorf("phrases %v: want s-glue (tagged 脱胶, a quality word) and not s-late", ids)
	}
	if got := taggedPhrases(shop, e.cues)["evidence.quality"]; !slices.Contains(got, len(shop.Phrases)-1) {
		t.Errorf("tagged quality phrases %v miss s-glue", got)
	}
}

// TestSpreadComplaintIsNoGuess: when the classifier is sure a line is some
// complaint but cannot say which (its evidence probability spread over the
// categories), it raises nothing; a line it can place, it raises.
func TestSpreadComplaintIsNoGuess(t *testing.T) {
	var ex []classify.Example
	add := func(category string, lines ...string) {
		for _, l := range lines {
			ex = append(ex, classify.Example{Role: "buyer", Category: category, Trade: "general", Source: "team-written", Text: l})
		}
	}
	for range 5 {
		add("evidence.damaged", "那个盒子压扁", "盒子里的压扁")
		add("evidence.missing", "那个盒子缺角", "盒子里的缺角")
		add("evidence.quality", "那个盒子发霉", "盒子里的发霉")
		add("evidence.wrong_item", "那个盒子发错", "盒子里的发错")
		add("none", "你好在吗", "谢谢亲", "好的知道了", "明天见")
	}
	cl := classify.New(ex, classify.TrainOptions{})
	lex := cues.Default()
	rd := cl.Buyer.Read("那个盒子")
	cat, p := rd.BestOf("evidence")
	if kp := rd.KindProb("evidence"); kp < modelThreshold || p >= kp/2 {
		t.Fatalf("the model must be sure of a complaint but not of which: evidence %.2f, best %s %.2f", kp, cat, p)
	}
	if got := modelCues(lex, cl, modelThreshold, "buyer", "那个盒子", nil, ""); len(got) > 0 {
		t.Errorf("a complaint spread over categories raised %+v", got)
	}
	if got := modelCues(lex, cl, modelThreshold, "buyer", "那个盒子压扁", nil, ""); len(got) != 1 || got[0].Category != "damaged" {
		t.Errorf("a complaint the model can place raised %+v, want damaged", got)
	}
}
