package kb

import "encoding/json"

// phraseStateJSON is a phrase state as the stores keep it in a phrase
// version (phrase_versions.phrase). Both stores write it the same way, so
// assist migrate copies versions as they are.
type phraseStateJSON struct {
	ID      string   `json:"id"`
	Scene   string   `json:"scene"`
	Title   string   `json:"title"`
	Text    string   `json:"text"`
	Tags    []string `json:"tags"`
	Code    string   `json:"code"`
	Retired bool     `json:"retired"`
}

// EncodePhraseState is st as stored in a phrase version; two states are the
// same phrase exactly when their encodings are equal.
func EncodePhraseState(st PhraseState) string {
	b, _ := json.Marshal(phraseStateJSON{ID: st.ID, Scene: string(st.Scene), Title: st.Title, Text: st.Text,
		Tags: NonNilTags(st.Tags), Code: st.Code, Retired: st.Retired})
	return string(b)
}

// DecodePhraseState reads a state written by EncodePhraseState.
func DecodePhraseState(s string) (PhraseState, error) {
	var v phraseStateJSON
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return PhraseState{}, err
	}
	return PhraseState{Phrase: Phrase{ID: v.ID, Scene: Scene(v.Scene), Title: v.Title, Text: v.Text,
		Tags: NonNilTags(v.Tags), Code: v.Code}, Retired: v.Retired}, nil
}

// NonNilTags is t, or an empty list for nil: a phrase without tags reads
// back with [], whichever way it was written.
func NonNilTags(t []string) []string {
	if t == nil {
		return []string{}
	}
	return t
}
