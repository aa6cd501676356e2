package sqlite

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"assist/kb"
)

func TestCreateUser(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if _, err := db.CreateUser(ctx, "xiaoli", kb.RoleAgent, "correct horse"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		user     string
		role     kb.Role
		password string
		code     string
	}{
		{name: "a second agent", user: "阿强", role: kb.RoleAgent, password: "battery staple"},
		{name: "a manager", user: "boss@shop", role: kb.RoleManager, password: "battery staple"},
		{name: "the same name twice", user: "xiaoli", role: kb.RoleAdmin, password: "battery staple", code: kb.EConflict},
		{name: "an unknown role", user: "x2", role: "owner", password: "battery staple", code: kb.EInvalid},
		{name: "a name with a space", user: "xiao li", role: kb.RoleAgent, password: "battery staple", code: kb.EInvalid},
		{name: "an empty name", user: "", role: kb.RoleAgent, password: "battery staple", code: kb.EInvalid},
		{name: "a short password", user: "x3", role: kb.RoleAgent, password: "short", code: kb.EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := db.CreateUser(ctx, tt.user, tt.role, tt.password)
			if got := kb.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (err %v)", got, tt.code, err)
			}
			if err == nil && (u.Name != tt.user || u.Role != tt.role || u.ID == 0) {
				t.Errorf("user = %+v", u)
			}
		})
	}
}

func TestAuthenticate(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if _, err := db.CreateUser(ctx, "xiaoli", kb.RoleAgent, "correct horse"); err != nil {
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
			if err == nil && u.Role != kb.RoleAgent {
				t.Errorf("role = %q", u.Role)
			}
		})
	}
}

func TestPasswordIsStoredOnlyHashed(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	if _, err := db.CreateUser(ctx, "xiaoli", kb.RoleAgent, "correct horse"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, "xiaowang", kb.RoleAgent, "correct horse"); err != nil {
		t.Fatal(err)
	}
	var a, b string
	if err := db.SQL().QueryRow(`SELECT password_hash FROM users WHERE name = 'xiaoli'`).Scan(&a); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRow(`SELECT password_hash FROM users WHERE name = 'xiaowang'`).Scan(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a, "correct horse") || !strings.HasPrefix(a, passwordScheme+"$") {
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
	u, err := db.CreateUser(ctx, "xiaoli", kb.RoleAgent, "correct horse")
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
	if err != nil || got.User.Name != "xiaoli" || got.User.Role != kb.RoleAgent {
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
	u, err := db.CreateUser(ctx, "xiaoli", kb.RoleAgent, "correct horse")
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
	db := openTemp(t)
	ctx := context.Background()
	secret, tok, err := db.CreateToken(ctx, "qianniu")
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
	db := openTemp(t)
	ctx := context.Background()
	keep, _, err := db.CreateToken(ctx, "qianniu")
	if err != nil {
		t.Fatal(err)
	}
	gone, tok, err := db.CreateToken(ctx, "doudian")
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
