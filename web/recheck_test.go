package web

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"assist/kb"
)

// countingChecks counts what the sockets' checks ask the store.
type countingChecks struct {
	checkStore
	mu      sync.Mutex
	queries int
	asked   int
}

func (c *countingChecks) SessionRoles(ctx context.Context, asks []kb.SessionShop) ([]kb.Role, error) {
	c.mu.Lock()
	c.queries++
	c.asked += len(asks)
	c.mu.Unlock()
	return c.checkStore.SessionRoles(ctx, asks)
}

// checkedClient is a socket of who on topic without a connection: enough
// for the checks, which close it (done) when its caller lost the right.
func checkedClient(hub *Hub, tp topic, who *principal) *client {
	c := newClient(hub, tp, who, 4)
	c.attach(nil)
	hub.subscribe(c)
	return c
}

func closed(c *client) bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// The sockets that ping in the same moment are checked by one query, each
// against its own session and shop: those whose person logged out, lost
// their role or holds another now are closed; the others, and a live
// token's, stay open.
func TestSocketsThatPingTogetherAreCheckedTogether(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	agent := func(name string) *principal {
		c := e.person(name, false, map[int64]kb.Role{chargerID: kb.RoleAgent})
		return &principal{Name: name, Role: kb.RoleAgent, sessionID: c.Value}
	}
	var keep []*client
	var people []*principal
	for i := range 30 {
		p := agent(fmt.Sprintf("agent-%02d", i))
		people = append(people, p)
		keep = append(keep, checkedClient(e.srv.hub, topic{chargerID, "c1"}, p))
	}
	// The same session on another conversation asks the same question once.
	keep = append(keep, checkedClient(e.srv.hub, topic{chargerID, "c2"}, people[0]))
	keep = append(keep, checkedClient(e.srv.hub, topic{chargerID, "c3"}, &principal{Name: "token:qianniu",
		Token: &kb.APIToken{Shop: chargerID}, Role: roleToken, secret: e.token}))

	loggedOut, removed, demoted := agent("logged-out"), agent("removed"), agent("demoted")
	ended := checkedClient(e.srv.hub, topic{chargerID, "c1"}, loggedOut)
	gone := checkedClient(e.srv.hub, topic{chargerID, "c1"}, removed)
	other := checkedClient(e.srv.hub, topic{chargerID, "c1"}, demoted)
	elsewhere := checkedClient(e.srv.hub, topic{teaID, "c1"}, agent("tea-less")) // no role in the tea shop
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.store.DeleteSession(ctx, loggedOut.sessionID))
	u, err := e.store.User(ctx, "removed")
	must(err)
	must(e.store.Ungrant(ctx, u.ID, chargerID))
	u, err = e.store.User(ctx, "demoted")
	must(err)
	must(e.store.Grant(ctx, u.ID, chargerID, kb.RoleManager))

	store := &countingChecks{checkStore: e.store}
	checks := newSocketChecks(store, e.srv.hub, slog.Default(), time.Second) // gathers 100 ms
	defer checks.close()
	all := append(append([]*client{}, keep...), ended, gone, other, elsewhere)
	for range 3 { // pinging again before the check queues a socket once
		for _, c := range all {
			checks.ask(c)
		}
	}
	lost := []*client{ended, gone, other, elsewhere}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && !(closed(ended) && closed(gone) && closed(other) && closed(elsewhere)) {
		time.Sleep(5 * time.Millisecond)
	}
	for i, c := range lost {
		if !closed(c) {
			t.Errorf("socket %d of the four that lost the right is still open", i)
		}
	}
	for i, c := range keep {
		if closed(c) {
			t.Errorf("socket %d of %s was closed", i, c.who.Name)
		}
	}
	asked := func() (int, int) {
		store.mu.Lock()
		defer store.mu.Unlock()
		return store.queries, store.asked
	}
	if q, n := asked(); q != 1 || n != 34 {
		t.Errorf("%d queries asking %d sessions' roles; want 1 asking 34 (30 + 4, the repeated session once)", q, n)
	}
	if e.srv.hub.count() != len(keep) {
		t.Errorf("%d sockets subscribed, want the %d kept", e.srv.hub.count(), len(keep))
	}

	// At the next pings every socket is asked about again, but not the
	// ones closed since: 30 sessions this time.
	for _, c := range all {
		checks.ask(c)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if q, _ := asked(); q == 2 {
			break
		}
	}
	time.Sleep(50 * time.Millisecond) // the check's closes, had it any
	if q, n := asked(); q != 2 || n != 34+30 {
		t.Errorf("after the second pings: %d queries asking %d in all; want 2 asking 64", q, n)
	}
	for i, c := range keep {
		if closed(c) {
			t.Errorf("socket %d of %s was closed at its second check", i, c.who.Name)
		}
	}
}

// A store that cannot answer closes nothing: the sockets are checked again
// at their next ping.
func TestSocketChecksCloseNothingWhenTheStoreFails(t *testing.T) {
	e := newEnv(t)
	c := e.person("an-agent", false, map[int64]kb.Role{chargerID: kb.RoleAgent})
	cl := checkedClient(e.srv.hub, topic{chargerID, "c1"}, &principal{Name: "an-agent", Role: kb.RoleAgent, sessionID: c.Value})
	e.store.Close() // every query fails from now on
	checks := newSocketChecks(e.store, e.srv.hub, slog.New(slog.DiscardHandler), 40*time.Millisecond)
	checks.check(context.Background(), []*client{cl})
	checks.close()
	if closed(cl) {
		t.Error("a socket was closed because the store could not answer")
	}
}
