package secret

import (
	"strings"
	"testing"
)

func TestPasswordHashes(t *testing.T) {
	h, err := HashPassword("correct horse", 1000)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("correct horse", 1000)
	if !strings.HasPrefix(h, PasswordScheme+"$1000$") || h == h2 {
		t.Errorf("hashes %q, %q: want the scheme, the count and a salt of their own", h, h2)
	}
	tests := []struct {
		name, stored, password string
		ok                     bool
	}{
		{name: "the password", stored: h, password: "correct horse", ok: true},
		{name: "another password", stored: h, password: "correct horse!"},
		{name: "another scheme", stored: strings.Replace(h, PasswordScheme, "md5", 1), password: "correct horse"},
		{name: "a silly iteration count", stored: strings.Replace(h, "$1000$", "$99999999999$", 1), password: "correct horse"},
		{name: "garbage", stored: "not a hash", password: "correct horse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckPassword(tt.stored, tt.password); got != tt.ok {
				t.Errorf("CheckPassword = %v, want %v", got, tt.ok)
			}
		})
	}
}

func TestTokenHashAndRandom(t *testing.T) {
	a, _ := Random(32)
	b, _ := Random(32)
	if a == b || len(a) != 43 {
		t.Errorf("Random(32) = %q, %q: want two different 43-character strings", a, b)
	}
	if string(Hash(a)) != string(Hash(a)) || string(Hash(a)) == string(Hash(b)) || len(Hash(a)) != 32 {
		t.Error("Hash: want 32 bytes, the same for the same secret, different for another")
	}
}
