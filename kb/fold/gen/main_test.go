package main

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	const src = `# Unicode version: 15.0.0
U+570B	kSimplifiedVariant	U+56FD
U+570B	kTraditionalVariant	U+570B
U+4E7E	kSimplifiedVariant	U+4E7E U+5E72
U+6230	kSimplifiedVariant	U+6218 U+229D0
U+0041	kSimplifiedVariant	U+0042
U+0042	kSimplifiedVariant	U+0043<kFake
`
	pairs, version, err := parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if version != "15.0.0" {
		t.Errorf("version = %q", version)
	}
	got := map[rune]rune{}
	for _, p := range pairs {
		got[p.from] = p.to
	}
	tests := []struct {
		name     string
		from     rune
		to       rune
		included bool
	}{
		{"plain pair", '國', '国', true},
		{"char listing itself folds to its other form", '乾', '干', true},
		{"first of several forms", '戰', '战', true},
		{"chain followed to its end", 'A', 'C', true},
		{"annotation ignored", 'B', 'C', true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to, ok := got[tt.from]
			if ok != tt.included || (ok && to != tt.to) {
				t.Errorf("%c → %c (present %v), want %c (present %v)", tt.from, to, ok, tt.to, tt.included)
			}
		})
	}
}

func TestParseBadLine(t *testing.T) {
	_, _, err := parse(strings.NewReader("U+57ZZ\tkSimplifiedVariant\tU+56FD\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("err = %v, want one naming line 1", err)
	}
}
