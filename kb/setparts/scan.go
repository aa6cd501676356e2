package setparts

// A set is cut by its own bytes and never rewritten, with jsontext's
// scanner; whatever it misreads, Split's check catches.

func isNumber(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}
