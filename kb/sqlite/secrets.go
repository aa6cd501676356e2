package sqlite

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PBKDF2-SHA256 with OWASP's 2023 iteration count: a salted, deliberately
// slow hash from the standard library (about 80 ms per check on a small
// server), so a stolen store does not give the passwords away.
const (
	passwordScheme     = "pbkdf2-sha256"
	passwordIterations = 600_000
	passwordSaltLen    = 16
	passwordKeyLen     = 32
)

// randomSecret returns n random bytes, base64url without padding.
func randomSecret(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// secretHash is how session ids and API tokens are stored: they are already
// 32 random bytes, so a fast hash is enough to make a stolen store useless.
func secretHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// hashPassword returns "pbkdf2-sha256$ITER$SALT$KEY".
func hashPassword(password string, iterations int) (string, error) {
	salt := make([]byte, passwordSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, passwordKeyLen)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return strings.Join([]string{passwordScheme, strconv.Itoa(iterations),
		enc.EncodeToString(salt), enc.EncodeToString(key)}, "$"), nil
}

// checkPassword reports whether password matches the stored hash.
func checkPassword(stored, password string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 || parts[0] != passwordScheme {
		return false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1 || iter > 10_000_000 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[2])
	want, err2 := enc.DecodeString(parts[3])
	if err1 != nil || err2 != nil {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iter, len(want))
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(got, want) == 1
}

// stamp writes a time in a fixed-width UTC form, so that columns compared or
// ordered as text (expiry, last update) sort as times.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// parseStamp reads a time written by stamp or as RFC 3339.
func parseStamp(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }
