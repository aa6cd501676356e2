// Package secret holds how assist keeps secrets: passwords as salted,
// deliberately slow hashes, session ids and API tokens as fast hashes of
// random bytes. Every store uses it, so a hash written by one (SQLite) is
// checked by another (PostgreSQL, after assist migrate) byte for byte.
package secret

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// PBKDF2-SHA256 with OWASP's 2023 iteration count: a salted, deliberately
// slow hash from the standard library (about 80 ms per check on a small
// server), so a stolen store does not give the passwords away.
const (
	PasswordScheme     = "pbkdf2-sha256"
	PasswordIterations = 600_000
	passwordSaltLen    = 16
	passwordKeyLen     = 32
)

// Random returns n random bytes, base64url without padding.
func Random(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Hash is how session ids and API tokens are stored: they are already 32
// random bytes, so a fast hash is enough to make a stolen store useless.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// HashPassword returns "pbkdf2-sha256$ITER$SALT$KEY".
func HashPassword(password string, iterations int) (string, error) {
	salt := make([]byte, passwordSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, iterations, passwordKeyLen)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return strings.Join([]string{PasswordScheme, strconv.Itoa(iterations),
		enc.EncodeToString(salt), enc.EncodeToString(key)}, "$"), nil
}

// CheckPassword reports whether password matches the stored hash.
func CheckPassword(stored, password string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 || parts[0] != PasswordScheme {
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
