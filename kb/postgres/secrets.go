package postgres

// The password and secret hashes are kb/secret's, as kb/sqlite's are: assist
// migrate copies hashes across, and a person must log in with the same
// password afterwards (kb/storetest checks it).

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"assist/kb"
	"assist/kb/secret"
)

const (
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
	h, _ := secret.HashPassword("no such user", secret.PasswordIterations)
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
