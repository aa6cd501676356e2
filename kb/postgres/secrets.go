package postgres

// The password and secret hashes are kb/sqlite's, byte for byte: assist
// migrate copies hashes across, and a person must log in with the same
// password afterwards (kb/storetest checks it). Kept in step by hand until
// both stores take them from kb.

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"assist/kb"
)

const (
	passwordScheme     = "pbkdf2-sha256"
	passwordIterations = 600_000
	passwordSaltLen    = 16
	passwordKeyLen     = 32

	maxNameLen     = 64
	minPasswordLen = 8
	maxPasswordLen = 256

	sessionIDBytes = 32
	tokenPrefix    = "ast_"
	tokenBytes     = 32
)

// dummyHash is checked against when a login names nobody, so a wrong name
// takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, _ := hashPassword("no such user", passwordIterations)
	return h
})

// validName reports why name cannot name a user or token: 1 to 64 letters,
// digits or _ . @ -.
func validName(name string) error {
	n := utf8.RuneCountInString(name)
	if n == 0 || n > maxNameLen {
		return kb.Errorf(kb.EInvalid, "name %q: want 1 to %d characters", name, maxNameLen)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("_.@-", r) {
			return kb.Errorf(kb.EInvalid, "name %q: only letters, digits and _ . @ - are allowed", name)
		}
	}
	return nil
}

func randomSecret(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func secretHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

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
