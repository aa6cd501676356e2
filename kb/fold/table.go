package fold

// simplified maps a traditional form to its simplified form.
// Placeholder until the generated table lands.
var simplified = map[rune]rune{}
