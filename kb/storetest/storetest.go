// Package storetest is the contract every store of assist keeps: one suite,
// run against kb/sqlite and kb/postgres, so that a server behaves the same
// whichever it is given. Each store's package calls Run from its own test
// with a Factory that opens an empty store.
package storetest

import (
	"context"
	"testing"
	"time"

	"assist/kb"
)

// Store is what the suite exercises: the methods the desk (assistant.TurnLog,
// assistant.Library), the server (web.Store) and cmd/assist use.
type Store interface {
	ImportShop(ctx context.Context, shop *kb.Shop) (kb.ShopInfo, error)
	Shops(ctx context.Context) ([]kb.ShopInfo, error)
	ShopNamed(ctx context.Context, name string) (kb.ShopInfo, error)
	ShopVersion(ctx context.Context, shop int64) (int64, error)
	ShopByID(ctx context.Context, shop int64) (*kb.Shop, kb.ShopInfo, error)
	PutPhrase(ctx context.Context, shopID int64, p kb.Phrase) error

	CreateUser(ctx context.Context, name, password string, owner bool) (*kb.User, error)
	User(ctx context.Context, name string) (*kb.User, error)
	CountUsers(ctx context.Context) (int, error)
	Authenticate(ctx context.Context, name, password string) (*kb.User, error)
	Grant(ctx context.Context, userID, shopID int64, role kb.Role) error
	Ungrant(ctx context.Context, userID, shopID int64) error
	SetOwner(ctx context.Context, userID int64, owner bool) error
	Members(ctx context.Context, shopID int64) ([]kb.User, error)

	CreateSession(ctx context.Context, user *kb.User, ttl time.Duration) (string, *kb.Session, error)
	Session(ctx context.Context, id string) (*kb.Session, error)
	SessionRoles(ctx context.Context, asks []kb.SessionShop) ([]kb.Role, error)
	DeleteSession(ctx context.Context, id string) error

	CreateToken(ctx context.Context, shop int64, name string) (string, *kb.APIToken, error)
	TokenBySecret(ctx context.Context, secret string) (*kb.APIToken, error)
	Tokens(ctx context.Context) ([]kb.APIToken, error)
	RevokeToken(ctx context.Context, id int64) (*kb.APIToken, error)
	ShopTokens(ctx context.Context, shop int64) ([]kb.APIToken, error)
	RevokeShopToken(ctx context.Context, shop, id int64) (*kb.APIToken, error)

	AddTurn(ctx context.Context, t *kb.StoredTurn) error
	Turns(ctx context.Context, shop int64, conv string) ([]kb.StoredTurn, error)
	Turn(ctx context.Context, shop int64, conv string, index int) (*kb.StoredTurn, error)
	Conversations(ctx context.Context, shop int64, limit int) ([]kb.ConversationSummary, error)
	Conversation(ctx context.Context, shop int64, id string) (*kb.ConversationSummary, error)
	ConversationsFor(ctx context.Context, shop int64, assignee string, limit int) ([]kb.ConversationSummary, error)
	PersonalPhrases(ctx context.Context, shop, user int64) ([]kb.PersonalPhrase, error)
	AddPersonalPhrase(ctx context.Context, p *kb.PersonalPhrase) error
	UpdatePersonalPhrase(ctx context.Context, p *kb.PersonalPhrase) error
	DeletePersonalPhrase(ctx context.Context, shop, user, id int64) error
	TurnPage(ctx context.Context, shop int64, conv string, before, limit int) ([]kb.StoredTurn, bool, error)
	TurnByKey(ctx context.Context, shop int64, key string) (*kb.StoredTurn, error)

	AddEvents(ctx context.Context, events ...kb.Event) error
	AddEventOnce(ctx context.Context, key string, e kb.Event) (replayed bool, err error)
	AddShows(ctx context.Context, shows ...kb.Show) error
	Events(ctx context.Context, shop int64, conv string) ([]kb.Event, error)
	SuggestionReport(ctx context.Context, shop int64) ([]kb.SuggestionStats, error)

	AddFlag(ctx context.Context, f *kb.Flag) (int64, error)
	Flags(ctx context.Context, shop int64, status string, limit int) ([]kb.Flag, error)
	DecideFlag(ctx context.Context, shop, id int64, d kb.FlagDecision) (*kb.Flag, error)
	PutShopCue(ctx context.Context, shop int64, c kb.ShopCue, by string) error
	DeleteShopCue(ctx context.Context, shop int64, word, category string) error

	AdminStore
}

// Factory opens an empty store whose clock is now, closed when t ends.
type Factory func(t *testing.T, now func() time.Time) Store

// Run runs the whole contract against the stores f opens, one subtest per
// area.
func Run(t *testing.T, f Factory) {
	t.Run("shops", func(t *testing.T) { testShops(t, f) })
	t.Run("phrases", func(t *testing.T) { testPhrases(t, f) })
	t.Run("people", func(t *testing.T) { testPeople(t, f) })
	t.Run("sessions", func(t *testing.T) { testSessions(t, f) })
	t.Run("tokens", func(t *testing.T) { testTokens(t, f) })
	t.Run("turns", func(t *testing.T) { testTurns(t, f) })
	t.Run("concurrent turns", func(t *testing.T) { testConcurrentTurns(t, f) })
	t.Run("suggestion sets round trip", func(t *testing.T) { testSetsRoundTrip(t, f) })
	t.Run("events", func(t *testing.T) { testEvents(t, f) })
	t.Run("shows", func(t *testing.T) { testShows(t, f) })
	t.Run("report", func(t *testing.T) { testReport(t, f) })
	t.Run("lessons", func(t *testing.T) { testLessons(t, f) })
	t.Run("pages and keys", func(t *testing.T) { testPagesAndKeys(t, f) })
	t.Run("personal phrases and assignees", func(t *testing.T) { testPersonal(t, f) })
	t.Run("conversation list", func(t *testing.T) { testConversationList(t, f) })
	t.Run("outcomes", func(t *testing.T) { testOutcomes(t, f) })
	t.Run("review", func(t *testing.T) { testReview(t, f) })
	t.Run("review matches kb/review", func(t *testing.T) { testReviewMatchesPure(t, f) })
	t.Run("phrase versions", func(t *testing.T) { testPhraseVersions(t, f) })
	t.Run("retired phrases", func(t *testing.T) { testRetiredPhrases(t, f) })
	t.Run("approval", func(t *testing.T) { testApproval(t, f) })
	t.Run("phrase usage", func(t *testing.T) { testPhraseUsage(t, f) })
	t.Run("put product and rule", func(t *testing.T) { testPutProductAndRule(t, f) })
	t.Run("concurrent edits", func(t *testing.T) { testConcurrentEdits(t, f) })
	t.Run("login throttle", func(t *testing.T) { testLoginThrottle(t, f) })
}

// clock is a settable "now" for the store under test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)} }
func open(t *testing.T, f Factory) (Store, *clock) {
	c := newClock()
	return f(t, c.now), c
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := kb.ErrorCode(err); err == nil || got != code {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
