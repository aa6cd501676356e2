package cues

import "strings"

// maxExpansion bounds how many words one entry may stand for once its
// @groups are spelled out, so a typo cannot blow up the matcher.
const maxExpansion = 5000

// splitChain splits "A…B" (or "A...B") into its links.
func splitChain(term string) []string {
	return strings.Split(strings.ReplaceAll(term, "...", "…"), "…")
}

// expand spells out the @groups of an entry: "少@number@unit" stands for 少
// followed by a numeral run and any word of [group.unit].
func (p *parser) expand(text string, line int) ([]string, error) {
	out := []string{""}
	for text != "" {
		at := strings.IndexByte(text, '@')
		if at < 0 {
			for i := range out {
				out[i] += text
			}
			break
		}
		for i := range out {
			out[i] += text[:at]
		}
		text = text[at+1:]
		end := 0
		for end < len(text) && nameByte(text[end]) {
			end++
		}
		name := text[:end]
		text = text[end:]
		var alts []string
		switch {
		case name == "":
			return nil, p.errorf(line, "@ without a group name")
		case name == "number":
			alts = []string{string(numeralMark)}
		default:
			ws, ok := p.groups[name]
			if !ok {
				return nil, p.errorf(line, "@%s: no [group.%s] is defined", name, name)
			}
			alts = ws
		}
		if len(out)*len(alts) > maxExpansion {
			return nil, p.errorf(line, "@%s: the entry stands for more than %d words", name, maxExpansion)
		}
		next := make([]string, 0, len(out)*len(alts))
		for _, o := range out {
			for _, a := range alts {
				next = append(next, o+a)
			}
		}
		out = next
	}
	for _, o := range out {
		if o == "" {
			return nil, p.errorf(line, "an entry stands for an empty word")
		}
	}
	return out, nil
}

func nameByte(b byte) bool {
	return b == '_' || ('a' <= b && b <= 'z') || ('0' <= b && b <= '9')
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !nameByte(s[i]) {
			return false
		}
	}
	return true
}
