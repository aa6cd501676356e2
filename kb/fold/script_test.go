package fold

import "testing"

func TestScriptOfRunes(t *testing.T) {
	for _, tc := range []struct {
		r          rune
		trad, simp bool
	}{
		{'貨', true, false}, {'货', false, true}, {'時', true, false}, {'时', false, true},
		{'茶', false, false}, // both scripts
		{'出', false, false}, // simplified of 齣, and what traditional text writes
		{'后', false, false},
	} {
		if got := Traditional(tc.r); got != tc.trad {
			t.Errorf("Traditional(%c) = %v, want %v", tc.r, got, tc.trad)
		}
		if got := Simplified(tc.r); got != tc.simp {
			t.Errorf("Simplified(%c) = %v, want %v", tc.r, got, tc.simp)
		}
	}
	for _, r := range shared {
		if Traditional(r) {
			t.Errorf("shared rune %c is a traditional form of another", r)
		}
	}
}
