package cues

import "testing"

// TestHolds pins how the lexicon's checks judge pieces another reader (the
// classifier) found: the same negation, condition, question and retraction
// checks a cue word of the category passes.
func TestHolds(t *testing.T) {
	// piece marks the stretch of text in [brackets]; weight 1.
	piece := func(s string) (string, []Piece) {
		var ps []Piece
		var text []rune
		start := -1
		for _, r := range s {
			switch r {
			case '[':
				start = len(text)
			case ']':
				ps = append(ps, Piece{Start: start, End: len(text), Weight: 1})
			default:
				text = append(text, r)
			}
		}
		return string(text), ps
	}
	tests := []struct {
		name, role, kind, category, text string
		want                             bool
	}{
		{"plain complaint", "buyer", "evidence", "quality", "屏幕[一直闪]", true},
		{"negated", "buyer", "evidence", "damaged", "没有[破损]吧", false},
		{"negation inside the piece stands", "buyer", "evidence", "not_received", "快递柜里[没有找到]", true},
		{"question before buying", "buyer", "evidence", "quality", "这个屏幕会[一直闪]吗", false},
		{"question after a fact", "buyer", "evidence", "quality", "收到了,屏幕是不是[一直闪]", true},
		{"supposed", "buyer", "evidence", "quality", "如果屏幕[一直闪]怎么办", false},
		{"taken back", "buyer", "evidence", "missing", "刚说[少一个],找到了", false},
		{"upsell asks freely", "buyer", "upsell", "bargain", "[能减多少]呀?", true},
		{"half the weight must stand", "buyer", "evidence", "damaged", "没有[破][损],[挺好]", false},
		{"agent category in a buyer turn", "buyer", "admission", "early", "[是我们的]", false},
		{"unknown category", "buyer", "evidence", "nosuch", "[少一个]", false},
		{"no pieces", "buyer", "evidence", "quality", "屏幕一直闪", false},
	}
	lex := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, ps := piece(tt.text)
			if got := lex.Holds(tt.role, text, Kind(tt.kind), tt.category, ps); got != tt.want {
				t.Errorf("Holds(%s, %q, %s/%s, %v) = %v, want %v", tt.role, text, tt.kind, tt.category, ps, got, tt.want)
			}
		})
	}
}
