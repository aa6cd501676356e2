package kb

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"assist/kb/jsontext"
)

// SetMembers lists the suggestions of a stored suggestion set in the order
// a panel lists them: nudges, products, rules, phrases. A set repeats a
// suggestion as often as it holds it.
func SetMembers(set []byte) ([]SetMember, error) {
	_, members, err := SetSummary(set)
	return members, err
}

// SetSummary is SetMembers with the product the set was for ("" if none),
// from one reading of the set.
//
// The review reads every new turn's stored set (kb/review.Digests), and
// encoding/json decoded all of a set's few KB to keep its ids: a sixth of
// a soak's review refresh. The set is read by its own bytes (scanSummary);
// whatever the scanner leaves to encoding/json (an escape, a value of
// another type, a repeated member, text that is not an object) is decoded
// by it, and its answer, or its error, is the summary.
func SetSummary(set []byte) (product string, members []SetMember, err error) {
	if product, members, ok := scanSummary(set); ok {
		return product, members, nil
	}
	return decodeSummary(set)
}

// storedMembers is the part of a stored suggestion set that names its
// suggestions (the set is the assistant's Suggestions, encoded as JSON).
type storedMembers struct {
	Product string `json:"product"`
	Nudges  []struct {
		Kind     string `json:"kind"`
		Category string `json:"category"`
	} `json:"nudges"`
	Products []struct {
		ID string `json:"id"`
	} `json:"products"`
	Rules []struct {
		ID string `json:"id"`
	} `json:"rules"`
	Phrases []struct {
		ID string `json:"id"`
	} `json:"phrases"`
}

// decodeSummary is SetSummary by encoding/json.
func decodeSummary(set []byte) (string, []SetMember, error) {
	var s storedMembers
	if err := json.Unmarshal(set, &s); err != nil {
		return "", nil, fmt.Errorf("suggestion set: %w", err)
	}
	out := make([]SetMember, 0, len(s.Nudges)+len(s.Products)+len(s.Rules)+len(s.Phrases))
	for _, n := range s.Nudges {
		out = append(out, SetMember{SuggestionNudge, NudgeID(n.Kind, n.Category)})
	}
	for _, p := range s.Products {
		out = append(out, SetMember{SuggestionProduct, p.ID})
	}
	for _, r := range s.Rules {
		out = append(out, SetMember{SuggestionRule, r.ID})
	}
	for _, p := range s.Phrases {
		out = append(out, SetMember{SuggestionPhrase, p.ID})
	}
	return s.Product, out, nil
}

// The set's members scanSummary reads, the lists in the order SetSummary
// lists their suggestions.
var (
	summaryKeys = [...]string{"product", "nudges", "products", "rules", "phrases"}
	listKinds   = [...]string{"", SuggestionNudge, SuggestionProduct, SuggestionRule, SuggestionPhrase}
)

// scanSummary is SetSummary read off the set's bytes; ok is false where
// encoding/json must answer: it reads only plain strings (no escape, no
// control character, valid UTF-8: the bytes are the value), nulls where
// encoding/json leaves a value as it was, and each member at most once.
// It matches keys as encoding/json does, without regard to ASCII case; a
// key with an escape or a byte beyond ASCII is left to encoding/json.
func scanSummary(set []byte) (product string, members []SetMember, ok bool) {
	var at [len(summaryKeys)]int // where each member's value starts, +1
	ok = true
	end := jsontext.WalkObject(set, jsontext.SkipSpace(set, 0), func(key []byte, v0 int) int {
		k := keyIndex(key, summaryKeys[:])
		switch {
		case k == -2 || k >= 0 && at[k] != 0:
			ok = false
		case k >= 0:
			at[k] = v0 + 1
		}
		return -1
	})
	if !ok || end < 0 || jsontext.SkipSpace(set, end) != len(set) {
		return "", nil, false
	}
	if v0 := at[0] - 1; v0 >= 0 {
		if product, _, ok = plainOrNull(set, v0); !ok {
			return "", nil, false
		}
	}
	members = make([]SetMember, 0, 8)
	for k := 1; k < len(at); k++ {
		if at[k] == 0 {
			continue
		}
		if members, ok = scanList(set, at[k]-1, listKinds[k], members); !ok {
			return "", nil, false
		}
	}
	return product, members, true
}

// scanList appends the members of the list whose value starts at set[v0]
// (an array of objects, or null).
func scanList(set []byte, v0 int, kind string, members []SetMember) ([]SetMember, bool) {
	if isNull(set, v0) {
		return members, true
	}
	if set[v0] != '[' {
		return nil, false
	}
	i := jsontext.SkipSpace(set, v0+1)
	if i < len(set) && set[i] == ']' {
		return members, true
	}
	fields := [...]string{"id", "kind", "category"}
	for i < len(set) {
		var got [len(fields)]string
		switch {
		case isNull(set, i): // a null element is a zero one
			i += len("null")
		case set[i] == '{':
			ok := true
			i = jsontext.WalkObject(set, i, func(key []byte, v0 int) int {
				k := keyIndex(key, fields[:])
				if k == -2 {
					ok = false
				}
				if k < 0 || !ok {
					return -1
				}
				s, v1, plain := plainOrNull(set, v0)
				if !plain {
					ok = false
					return -1
				}
				if set[v0] == '"' { // a null leaves the field as it was
					got[k] = s
				}
				return v1
			})
			if !ok || i < 0 {
				return nil, false
			}
		default:
			return nil, false
		}
		m := SetMember{Kind: kind, ID: got[0]}
		if kind == SuggestionNudge {
			m.ID = NudgeID(got[1], got[2])
		}
		members = append(members, m)
		i = jsontext.SkipSpace(set, i)
		if i >= len(set) {
			return nil, false
		}
		if set[i] == ']' {
			return members, true
		}
		if set[i] != ',' {
			return nil, false
		}
		i = jsontext.SkipSpace(set, i+1)
	}
	return nil, false
}

// plainOrNull reads the string or null that starts at b[v0] and says where
// it ends; ok is false for any other value, and for a string with an
// escape, a control character or invalid UTF-8.
func plainOrNull(b []byte, v0 int) (s string, v1 int, ok bool) {
	if isNull(b, v0) {
		return "", v0 + len("null"), true
	}
	if b[v0] != '"' {
		return "", 0, false
	}
	v1 = jsontext.SkipString(b, v0)
	if v1 < 0 {
		return "", 0, false
	}
	body := b[v0+1 : v1-1]
	for _, c := range body {
		if c < 0x20 || c == '\\' {
			return "", 0, false
		}
	}
	if !utf8.Valid(body) {
		return "", 0, false
	}
	return string(body), v1, true
}

// isNull reports whether the value at b[i] is the literal null.
func isNull(b []byte, i int) bool {
	if i >= len(b) || b[i] != 'n' { // not a literal: nothing to skip
		return false
	}
	end := jsontext.SkipValue(b, i)
	return end == i+len("null") && string(b[i:end]) == "null"
}

// keyIndex is the index in names of key, matched as encoding/json matches
// a key to a field when no field is spelled exactly so (ASCII letters
// without regard to case); -1 if none is, -2 if the key has an escape or a
// byte beyond ASCII (encoding/json's folding of those is its own).
func keyIndex(key []byte, names []string) int {
	for _, c := range key {
		if c == '\\' || c >= utf8.RuneSelf {
			return -2
		}
	}
	for i, n := range names {
		if len(n) == len(key) && asciiEqualFold(key, n) {
			return i
		}
	}
	return -1
}

func asciiEqualFold(b []byte, s string) bool {
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != y { // names are lower case
			return false
		}
	}
	return true
}
