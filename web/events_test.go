package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"assist/assistant"
	"assist/kb"
)

// firstSuggestion picks a suggestion of the set to give feedback on.
func firstSuggestion(t *testing.T, s *assistant.Suggestions) suggestion {
	t.Helper()
	all := suggestionsOf(s)
	if len(all) == 0 {
		t.Fatalf("turn %d offered nothing: %+v", s.Turn, s)
	}
	return all[0]
}

func TestFeedbackIsRecordedForTheSessionsUser(t *testing.T) {
	e := newEnv(t)
	panel := e.panel("c1", kb.RoleAgent)
	posted := e.postTurn("c1", "buyer", "这个充电器能便宜点吗,和数据线一起买")
	mustRead(t, panel)
	sg := firstSuggestion(t, posted)

	// A frame that names another agent is refused whole.
	send(t, panel, map[string]any{"type": "feedback", "turn": 0, "suggestion_id": sg.id, "kind": sg.kind,
		"action": "used", "agent": "the-admin"})
	if f := mustRead(t, panel); f.Type != "error" {
		t.Fatalf("feedback naming an agent: %+v, want an error", f)
	}
	send(t, panel, map[string]any{"type": "feedback", "ref": "f1", "turn": 0, "suggestion_id": sg.id, "kind": sg.kind, "action": "used"})
	if f := mustRead(t, panel); f.Type != "ack" || f.Ref != "f1" || f.For != "feedback" {
		t.Fatalf("feedback answer %+v, want an ack", f)
	}
	// The same over HTTP, as the manager, with a dismissal.
	body := fmt.Sprintf(`{"conversation":"c1","turn":0,"suggestion_id":%q,"kind":%q,"action":"dismissed"}`, sg.id, sg.kind)
	if status, b := e.do("POST", "/api/v1/shops/1/events", cookie(e.login(kb.RoleManager)), body); status != 204 {
		t.Fatalf("post event: %d %s", status, b)
	}
	withAgent := strings.Replace(body, `"action"`, `"agent":"the-admin","action"`, 1)
	if status, b := e.do("POST", "/api/v1/shops/1/events", cookie(e.login(kb.RoleAgent)), withAgent); status != 400 {
		t.Errorf("event naming an agent: %d %s, want 400", status, b)
	}

	events, err := e.store.Events(context.Background(), chargerID, "c1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range events {
		if ev.Action != kb.ActionShown {
			got = append(got, string(ev.Action)+" by "+ev.Agent)
			if ev.SuggestionID != sg.id || ev.Kind != sg.kind || ev.Turn != 0 {
				t.Errorf("event %+v: want %s %s of turn 0", ev, sg.kind, sg.id)
			}
		}
	}
	if want := "used by the-agent,dismissed by the-manager"; strings.Join(got, ",") != want {
		t.Errorf("events %q, want %q", strings.Join(got, ","), want)
	}
}

// An agent with the chat open in two tabs is shown the set once: the
// report counts each suggestion shown once per agent, as the review's
// "shown to" names the agent once. Another agent's panel is another show.
func TestAnAgentsTwoTabsAreOneShow(t *testing.T) {
	e := newEnv(t)
	tab1 := e.panel("c1", kb.RoleAgent)
	tab2 := e.panel("c1", kb.RoleAgent)
	h := http.Header{}
	h.Set("Origin", e.ts.URL)
	h.Set("Cookie", e.person("li", false, map[int64]kb.Role{chargerID: kb.RoleAgent}).String())
	other, status, err := e.dial("c1", h)
	if err != nil {
		t.Fatalf("dial as li: %d %v", status, err)
	}
	defer other.Close()

	e.postTurn("c1", "buyer", "充电器能便宜点吗")
	mustRead(t, tab1)
	mustRead(t, tab2)
	mustRead(t, other)
	// The second tab's push is recorded after its write: wait until both
	// agents' shows are in the buffer, then flush once.
	deadline := time.Now().Add(2 * time.Second)
	for e.srv.events.buffered() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // a third, duplicate show would be buffered by now
	if err := e.srv.FlushEvents(context.Background()); err != nil {
		t.Fatal(err)
	}
	shows, err := e.store.ConversationShows(context.Background(), chargerID, "c1")
	if err != nil {
		t.Fatal(err)
	}
	agents := map[string]int{}
	for _, s := range shows {
		agents[s.Agent]++
	}
	if len(shows) != 2 || agents["the-agent"] != 1 || agents["li"] != 1 {
		t.Errorf("shows %+v, want one to the-agent (two tabs) and one to li", shows)
	}

	status, body := e.do("GET", "/api/v1/shops/1/reports/suggestions", cookie(e.login(kb.RoleManager)), "")
	var report struct {
		Suggestions []suggestionLine `json:"suggestions"`
	}
	if err := json.Unmarshal(body, &report); status != 200 || err != nil || len(report.Suggestions) == 0 {
		t.Fatalf("report: %d %s", status, body)
	}
	for _, l := range report.Suggestions {
		if l.Shown != 2 {
			t.Errorf("%s %s shown %d times, want 2 (two agents)", l.Kind, l.SuggestionID, l.Shown)
		}
	}
}

func TestShowsAreRecordedPerPanel(t *testing.T) {
	e := newEnv(t)
	agent := e.panel("c1", kb.RoleAgent)
	admin := e.panel("c1", kb.RoleAdmin)
	h := map[string][]string{"Authorization": {"Bearer " + e.token}}
	integration, _, err := e.dial("c1", h)
	if err != nil {
		t.Fatal(err)
	}
	defer integration.Close()

	posted := e.postTurn("c1", "buyer", "充电器能便宜点吗")
	mustRead(t, agent)
	mustRead(t, admin)
	mustRead(t, integration)
	if err := e.srv.FlushEvents(context.Background()); err != nil {
		t.Fatal(err)
	}
	all := suggestionsOf(posted)
	deadline := time.Now().Add(2 * time.Second)
	var shows []kb.Show
	for time.Now().Before(deadline) {
		if shows, err = e.store.ConversationShows(context.Background(), chargerID, "c1"); err != nil {
			t.Fatal(err)
		}
		if len(shows) > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
		e.srv.FlushEvents(context.Background())
	}
	// One record for the push to the agent, and only an agent's panel counts: an admin
	// watching is not serving the buyer.
	if len(shows) != 1 || shows[0].Agent != "the-agent" || shows[0].Turn != 0 {
		t.Errorf("shows %+v, want one: turn 0 to the-agent's panel (none for the admin or the token)", shows)
	}
	if events, _ := e.store.Events(context.Background(), chargerID, "c1"); len(events) != 0 {
		t.Errorf("events %+v, want none: a push is a show, not an event per suggestion", events)
	}

	status, body := e.do("GET", "/api/v1/shops/1/reports/suggestions", cookie(e.login(kb.RoleManager)), "")
	var report struct {
		Suggestions []suggestionLine `json:"suggestions"`
	}
	if err := json.Unmarshal(body, &report); status != 200 || err != nil {
		t.Fatalf("report: %d %s", status, body)
	}
	distinct := map[suggestion]bool{}
	for _, sg := range all {
		distinct[sg] = true
	}
	if len(report.Suggestions) != len(distinct) || report.Suggestions[0].Shown != 1 {
		t.Errorf("report %s: want %d suggestions each shown once", body, len(distinct))
	}
}
