package kb

import (
	"crypto/rand"
	"encoding/base64"
)

// NewPassword is a random password for a person created by someone else,
// shown once: 15 random bytes, 20 URL-safe characters.
func NewPassword() (string, error) {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
