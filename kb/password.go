package kb

import (
	"crypto/rand"
	"encoding/base64"
)

// NewPassword is a generated password for a new account, shown once:
// 15 random bytes, 20 URL-safe characters a person can copy.
func NewPassword() (string, error) {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
