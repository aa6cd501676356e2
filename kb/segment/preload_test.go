package segment

import (
	"os"
	"os/exec"
	"slices"
	"testing"
)

// Preload in a fresh process (the segmenter is process-wide): text is cut
// with the dictionary alone until words are added; the first AddWords then
// has the preloaded words too, and both copies keep every one of them
// through later additions.
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
	// Made-up shop words, as in TestAddWords, and one taught later.
	const tea, charger, later = "雾岭白毫银针", "闪充魔方", "獭兔绒滚筒"
	Preload([]string{tea, "Volt " + charger})
	whole := func(w string) bool { return slices.Contains(Words("我要"+w+"呀"), w) }
	if whole(tea) || whole(charger) {
		t.Fatal("preloaded words cut whole before any AddWords: the dictionary alone should cut until then")
	}
	if n := AddWords([]string{tea}); n != 1 {
		t.Errorf("AddWords(tea) = %d new, want 1", n)
	}
	if !whole(tea) || !whole(charger) {
		t.Errorf("after AddWords: tea whole %v, charger whole %v; want both (charger was preloaded)", whole(tea), whole(charger))
	}
	if n := AddWords([]string{charger}); n != 0 {
		t.Errorf("AddWords(charger) = %d new, want 0: Preload taught it", n)
	}
	if n := AddWords([]string{later}); n != 1 {
		t.Errorf("AddWords(later) = %d new, want 1", n)
	}
	// The copies have swapped again: the one now cutting learned the
	// preloaded words in the background.
	for _, w := range []string{tea, charger, later} {
		if !whole(w) {
			t.Errorf("%s is not cut whole after the second swap", w)
		}
	}
}
