package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	"assist/kb"
)

// kb.SetMembers reads from a stored set the suggestions a panel listed when
// the set was pushed (suggestionsOf): the stores count shows by it.
func TestSetMembersAreTheSuggestionsPushed(t *testing.T) {
	e := newEnv(t)
	lines := []struct{ role, text string }{
		{"buyer", "这个充电器能便宜点吗,和数据线一起买"},
		{"buyer", "什么时候发货"},
		{"agent", "亲,这款24小时内发货"},
		{"buyer", "收到的充电宝坏了,外壳碎了,我要退货"},
		{"buyer", "你好"},
		{"buyer", "不给退我就给差评投诉你们"},
	}
	kinds := map[string]bool{}
	for i, l := range lines {
		posted := e.postTurn("c1", l.role, l.text)
		stored, err := e.store.Turn(context.Background(), chargerID, "c1", i)
		if err != nil {
			t.Fatal(err)
		}
		got, err := kb.SetMembers(stored.Suggestions)
		if err != nil {
			t.Fatalf("turn %d: %v", i, err)
		}
		want := []kb.SetMember{}
		for _, sg := range suggestionsOf(posted) {
			want = append(want, kb.SetMember{Kind: sg.kind, ID: sg.id})
			kinds[sg.kind] = true
		}
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("turn %d %q: the stored set's members %v, the panel's %v", i, l.text, got, want)
		}
	}
	if len(kinds) != 4 {
		t.Errorf("the lines offered only %v: want every kind (nudge, product, rule, phrase) compared", kinds)
	}
}

// failingShows is a store whose AddShows fails until it is told to work.
type failingShows struct {
	Store
	mu    sync.Mutex
	fail  bool
	calls int
	got   []kb.Show
}

func (s *failingShows) AddShows(ctx context.Context, shows ...kb.Show) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail {
		return errors.New("disk I/O error")
	}
	s.got = append(s.got, shows...)
	return nil
}

// A push is one show; while the store fails, the shows stay buffered, in
// order, and are written once it works again.
func TestRecorderKeepsShowsWhileTheStoreFails(t *testing.T) {
	store := &failingShows{fail: true}
	r := newRecorder(store, slog.New(slog.DiscardHandler), time.Hour) // flushed by hand
	defer r.close(context.Background())
	member := []kb.SetMember{{Kind: kb.SuggestionPhrase, ID: "ph-hello"}}
	var want []kb.Show
	for i := range showChunk + 10 { // more than one transaction's worth
		s := kb.Show{Shop: 1, Conversation: fmt.Sprintf("c%d", i), Turn: i, Agent: "li", At: time.Unix(int64(i), 0), Members: member}
		want = append(want, s)
		r.add(s)
	}
	r.add(kb.Show{Shop: 1, Conversation: "empty", Agent: "li"}) // a set without suggestions showed nothing
	if err := r.flush(context.Background()); err == nil {
		t.Fatal("flush into a failing store: no error")
	}
	if len(store.got) != 0 || len(r.buf) != len(want) {
		t.Fatalf("after a failed flush: %d written, %d buffered; want none written, %d kept", len(store.got), len(r.buf), len(want))
	}
	if err := r.flush(context.Background()); err == nil { // and again: what is kept is still known
		t.Fatal("flush into a failing store: no error")
	}
	r.add(want[0]) // another tab's push of a show kept for the next flush
	if got := r.buffered(); got != len(want) {
		t.Fatalf("a repeat of a kept show: %d buffered, want %d", got, len(want))
	}
	store.fail = false
	if err := r.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(store.got, want) || len(r.buf) != 0 {
		t.Errorf("after the store came back: %d shows written, %d buffered; want the %d, in order", len(store.got), len(r.buf), len(want))
	}
	if store.calls != 4 {
		t.Errorf("%d writes, want the two failed ones and two chunks", store.calls)
	}
}

// A set pushed again to the same agent (another tab) is not another show,
// whether the first push is still buffered or was just taken to be
// written; a set taken back and pushed again is; and a turn or agent of
// its own always is.
func TestRecorderKeepsOneShowPerAgentAndSet(t *testing.T) {
	store := &failingShows{}
	r := newRecorder(store, slog.New(slog.DiscardHandler), time.Hour) // flushed by hand
	defer r.close(context.Background())
	member := []kb.SetMember{{Kind: kb.SuggestionPhrase, ID: "ph-hello"}}
	show := func(turn int, agent string) kb.Show {
		return kb.Show{Shop: 1, Conversation: "c1", Turn: turn, Agent: agent, At: time.Unix(int64(turn), 0), Members: member}
	}
	r.add(show(0, "li"), show(0, "li"), show(0, "wang"), show(1, "li"))
	if got := r.buffered(); got != 3 {
		t.Fatalf("%d buffered, want 3: li's second tab is the same show", got)
	}
	if err := r.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.add(show(0, "li")) // the same push to a tab that was a moment later
	r.forget(1, "c1", 2, "li")
	r.add(show(2, "li"))
	r.forget(1, "c1", 2, "li") // taken back: forgotten, and may be shown again
	r.add(show(2, "li"))
	if err := r.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range store.got {
		got = append(got, fmt.Sprintf("%d/%s", s.Turn, s.Agent))
	}
	if want := []string{"0/li", "0/wang", "1/li", "2/li"}; !reflect.DeepEqual(got, want) {
		t.Errorf("written %v, want %v", got, want)
	}
}
