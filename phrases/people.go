package phrases

import "strings"

// Placeholders for the two people of a chat, filled where the platform
// gives their names; write them with a fallback, {买家|亲}, so a phrase
// still reads well when it does not.
const (
	Buyer = "买家" // the buyer's name or nickname on the platform
	Agent = "客服" // the name of the agent who answers
)

// People names the buyer and the agent of one conversation; either may be
// unknown ("").
type People struct {
	Buyer string
	Agent string
}

func (pp People) value(name string) (string, bool) {
	var v string
	switch name {
	case Buyer:
		v = pp.Buyer
	case Agent:
		v = pp.Agent
	default:
		return "", false
	}
	v = strings.TrimSpace(v)
	return v, v != ""
}

// Personal reports whether name stands for a person of the chat rather than
// the product or the shop: no product fills it, the conversation does.
func Personal(name string) bool {
	key, _, _ := strings.Cut(name, "|")
	return key == Buyer || key == Agent
}
