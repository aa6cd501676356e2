package sqlite

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/secret"
)

func TestCreateUser(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if _, err := db.CreateUser(ctx, "xiaoli", "correct horse", false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		user     string
		password string
		code     string
	}{
		{name: "a second person", user: "阿强", password: "battery staple"},
		{name: "a name with @", user: "boss@shop", password: "battery staple"},
		{name: "the same name twice", user: "xiaoli", password: "battery staple", code: kb.EConflict},
		{name: "a name with a space", user: "xiao li", password: "battery staple", code: kb.EInvalid},
		{name: "an empty name", user: "", password: "battery staple", code: kb.EInvalid},
		{name: "a short password", user: "x3", password: "short", code: kb.EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := db.CreateUser(ctx, tt.user, tt.password, false)
			if got := kb.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (err %v)", got, tt.code, err)
			}
			if err == nil && (u.Name != tt.user || u.ID == 0 || u.Owner || len(u.Shops) != 0) {
				t.Errorf("user = %+v: want a new person in no shop", u)
			}
		})
	}
}

// A person's role is per shop: an admin of one shop is nobody in another,
// and a grant or removal counts at their next request.
func TestMemberships(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	other := teaShop()
	other.Name = "二号店"
	second, err := db.ImportShop(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, "xiaoli", "correct horse", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Grant(ctx, u.ID, 1, kb.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := db.Grant(ctx, u.ID, second.ID, kb.RoleAgent); err != nil {
		t.Fatal(err)
	}
	if err := db.Grant(ctx, u.ID, second.ID, "owner"); kb.ErrorCode(err) != kb.EInvalid {
		t.Errorf("unknown role: %v, want invalid", err)
	}
	if err := db.Grant(ctx, u.ID, 99, kb.RoleAgent); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("unknown shop: %v, want not_found", err)
	}
	id, _, err := db.CreateSession(ctx, u, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := db.Session(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if sess.User.RoleIn(1) != kb.RoleAdmin || sess.User.RoleIn(second.ID) != kb.RoleAgent || sess.User.RoleIn(99) != "" {
		t.Errorf("roles = %+v: want admin in 1, agent in %d, nothing elsewhere", sess.User.Shops, second.ID)
	}
	if err := db.Ungrant(ctx, u.ID, 1); err != nil {
		t.Fatal(err)
	}
	if sess, err = db.Session(ctx, id); err != nil || sess.User.RoleIn(1) != "" {
		t.Errorf("after removal: %+v, %v; want no role in shop 1", sess.User.Shops, err)
	}
	members, err := db.Members(ctx, second.ID)
	if err != nil || len(members) != 1 || members[0].Name != "xiaoli" || members[0].Shops[0].Role != kb.RoleAgent {
		t.Errorf("members of shop %d = %+v, %v", second.ID, members, err)
	}
}

func TestAuthenticate(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if _, err := db.CreateUser(ctx, "xiaoli", "correct horse", false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, password, code string
	}{
		{name: "right password", user: "xiaoli", password: "correct horse"},
		{name: "wrong password", user: "xiaoli", password: "correct horse!", code: kb.EUnauthorized},
		{name: "nobody of that name", user: "xiaowang", password: "correct horse", code: kb.EUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := db.Authenticate(ctx, tt.user, tt.password)
			if got := kb.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (err %v)", got, tt.code, err)
			}
			if err == nil && u.Name != tt.user {
				t.Errorf("user = %+v", u)
			}
		})
	}
}

func TestPasswordIsStoredOnlyHashed(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if _, err := db.CreateUser(ctx, "xiaoli", "correct horse", false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, "xiaowang", "correct horse", false); err != nil {
		t.Fatal(err)
	}
	var a, b string
	if err := db.SQL().QueryRow(`SELECT password_hash FROM users WHERE name = 'xiaoli'`).Scan(&a); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRow(`SELECT password_hash FROM users WHERE name = 'xiaowang'`).Scan(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a, "correct horse") || !strings.HasPrefix(a, secret.PasswordScheme+"$") {
		t.Errorf("stored %q: want a pbkdf2 hash", a)
	}
	if a == b {
		t.Error("two users with the same password have the same hash: no salt")
	}
}

func TestSessions(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	u, err := db.CreateUser(ctx, "xiaoli", "correct horse", false)
	if err != nil {
		t.Fatal(err)
	}
	id, s, err := db.CreateSession(ctx, u, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !s.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Errorf("expires %v", s.ExpiresAt)
	}
	var stored []byte
	if err := db.SQL().QueryRow(`SELECT id_hash FROM sessions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, []byte(id)) || len(id) < 40 {
		t.Errorf("session id %q stored as %x: want a long id stored hashed", id, stored)
	}

	got, err := db.Session(ctx, id)
	if err != nil || got.User.Name != "xiaoli" || len(got.User.Shops) != 0 {
		t.Fatalf("session = %+v, %v", got, err)
	}
	if _, err := db.Session(ctx, id+"x"); kb.ErrorCode(err) != kb.EUnauthorized {
		t.Errorf("unknown id: %v, want unauthorized", err)
	}
	now = now.Add(time.Hour)
	if _, err := db.Session(ctx, id); kb.ErrorCode(err) != kb.EUnauthorized {
		t.Errorf("expired session: %v, want unauthorized", err)
	}
	// A later login sweeps the expired session away.
	if _, _, err := db.CreateSession(ctx, u, time.Hour); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil || n != 1 {
		t.Errorf("sessions left = %d, %v; want 1", n, err)
	}
}

func TestDeleteSessionLogsOut(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "xiaoli", "correct horse", false)
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := db.CreateSession(ctx, u, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSession(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(ctx, id); kb.ErrorCode(err) != kb.EUnauthorized {
		t.Errorf("after logout: %v, want unauthorized", err)
	}
}

func TestTokens(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	secret, tok, err := db.CreateToken(ctx, 1, "qianniu")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Name != "qianniu" || !strings.HasPrefix(secret, tokenPrefix) {
		t.Errorf("token %+v secret %q", tok, secret)
	}
	var stored []byte
	if err := db.SQL().QueryRow(`SELECT token_hash FROM api_tokens`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, []byte(secret[len(tokenPrefix):])) {
		t.Error("the token is stored in clear")
	}
	last := "A"
	if strings.HasSuffix(secret, last) {
		last = "B"
	}
	tests := []struct {
		name, secret, code string
	}{
		{name: "the issued token", secret: secret},
		{name: "one character off", secret: secret[:len(secret)-1] + last, code: kb.EUnauthorized},
		{name: "no prefix", secret: secret[len(tokenPrefix):], code: kb.EUnauthorized},
		{name: "empty", secret: "", code: kb.EUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.TokenBySecret(ctx, tt.secret)
			if c := kb.ErrorCode(err); c != tt.code {
				t.Fatalf("code = %q, want %q", c, tt.code)
			}
			if err == nil && got.Name != "qianniu" {
				t.Errorf("token = %+v", got)
			}
		})
	}
}

func TestRevokedTokenIsRefused(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	keep, _, err := db.CreateToken(ctx, 1, "qianniu")
	if err != nil {
		t.Fatal(err)
	}
	gone, tok, err := db.CreateToken(ctx, 1, "doudian")
	if err != nil {
		t.Fatal(err)
	}
	list, err := db.Tokens(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "qianniu" || list[1].Name != "doudian" {
		t.Fatalf("tokens = %+v, %v", list, err)
	}
	revoked, err := db.RevokeToken(ctx, tok.ID)
	if err != nil || revoked.Name != "doudian" {
		t.Fatalf("revoke = %+v, %v", revoked, err)
	}
	if _, err := db.TokenBySecret(ctx, gone); kb.ErrorCode(err) != kb.EUnauthorized {
		t.Errorf("revoked token: %v, want unauthorized", err)
	}
	if _, err := db.TokenBySecret(ctx, keep); err != nil {
		t.Errorf("the other token: %v", err)
	}
	if _, err := db.RevokeToken(ctx, tok.ID); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("revoking twice: %v, want not found", err)
	}
}

// Token ids are never reused: revoking the newest token and issuing another
// must not give the new one the old id, or a repeated `token revoke -id N`
// would cut off another integration.
func TestTokenIDsAreNeverReused(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	_, first, err := db.CreateToken(ctx, 1, "qianniu")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RevokeToken(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	_, second, err := db.CreateToken(ctx, 1, "doudian")
	if err != nil {
		t.Fatal(err)
	}
	if second.ID == first.ID {
		t.Fatalf("new token got the revoked token's id %d", first.ID)
	}
	if _, err := db.RevokeToken(ctx, first.ID); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("revoking id %d again: %v, want not_found (and doudian untouched)", first.ID, err)
	}
	if _, _, err := db.CreateToken(ctx, 42, "nowhere"); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("token for a missing shop: %v, want not_found", err)
	}
}
