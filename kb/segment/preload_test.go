package segment

import (
	"os"
	"os/exec"
	"slices"
	"testing"
)

// Preload in a fresh process (the segmenter is process-wide): the first
// load takes the preloaded words in, so they are cut whole from the first
// cut and their AddWords finds them known. LoadStandby then makes the
// second copy with them, and words taught later reach both copies through
// two swaps.
func TestPreload(t *testing.T) {
	if os.Getenv("ASSIST_PRELOAD_CHILD") == "" {
		if testing.Short() {
			t.Skip("loads the dictionary twice in a child process")
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestPreload$", "-test.v")
		cmd.Env = append(os.Environ(), "ASSIST_PRELOAD_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		t.Logf("child:\n%s", out)
		return
	}
	// Made-up shop words, as in TestAddWords, and two taught later.
	const tea, charger, later, later2 = "雾岭白毫银针", "闪充魔方", "獭兔绒滚筒", "雪域青稞饼"
	Preload([]string{tea, "Volt " + charger})
	whole := func(w string) bool { return slices.Contains(Words("我要"+w+"呀"), w) }
	if !whole(tea) || !whole(charger) {
		t.Fatalf("tea whole %v, charger whole %v before any AddWords; want both: the first load took them", whole(tea), whole(charger))
	}
	if n := AddWords([]string{tea, charger}); n != 0 {
		t.Errorf("AddWords(tea, charger) = %d new, want 0: Preload taught them", n)
	}
	LoadStandby()
	for i, w := range []string{later, later2} {
		if whole(w) {
			t.Fatalf("%s is cut whole before it is taught", w)
		}
		if n := AddWords([]string{w}); n != 1 {
			t.Errorf("AddWords(%s) = %d new, want 1", w, n)
		}
		// Swap i+1: the copy now cutting is the standby, then the first
		// copy again, which learned the words in the background.
		for _, w := range []string{tea, charger, later, later2}[:3+i] {
			if !whole(w) {
				t.Errorf("%s is not cut whole after swap %d", w, i+1)
			}
		}
	}
}
