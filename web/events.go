package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"assist/assistant"
	"assist/kb"
)

type eventRequest struct {
	Conversation string `json:"conversation"`
	Turn         int    `json:"turn"`
	SuggestionID string `json:"suggestion_id"`
	Kind         string `json:"kind"`
	Action       string `json:"action"`
}

// postEvent is POST /api/v1/events: an agent used or dismissed a suggestion.
func (s *Server) postEvent(w http.ResponseWriter, r *http.Request, p *principal) error {
	var req eventRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	key, err := idempotencyKey(r.Header.Get(idempotencyHeader))
	if err != nil {
		return err
	}
	if err := s.recordFeedback(r.Context(), p.Shop, key, req, p); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// recordFeedback stores a used or dismissed event once it has checked that
// the suggestion was in that turn's suggestion set. The agent is always the
// caller; it commits before returning. Under an idempotency key (none if
// ""), a retry of the same event records nothing.
func (s *Server) recordFeedback(ctx context.Context, shop int64, key string, req eventRequest, p *principal) error {
	if err := validConversationID(req.Conversation); err != nil {
		return err
	}
	action := kb.Action(req.Action)
	if action != kb.ActionUsed && action != kb.ActionDismissed {
		return kb.Errorf(kb.EInvalid, "action %q: want used or dismissed", clip(req.Action))
	}
	if !kb.ValidSuggestionKind(req.Kind) {
		return kb.Errorf(kb.EInvalid, "kind %q: want product, rule, phrase or nudge", clip(req.Kind))
	}
	stored, err := s.store.Turn(ctx, shop, req.Conversation, req.Turn)
	if kb.ErrorCode(err) == kb.ENotFound {
		return kb.Errorf(kb.EInvalid, "conversation %q has no turn %d", req.Conversation, req.Turn)
	}
	if err != nil {
		return err
	}
	var sugg assistant.Suggestions
	if err := json.Unmarshal(stored.Suggestions, &sugg); err != nil {
		return fmt.Errorf("decode stored suggestions of %s/%d: %w", req.Conversation, req.Turn, err)
	}
	if !offered(&sugg, req.Kind, req.SuggestionID) {
		return kb.Errorf(kb.EInvalid, "turn %d of %q offered no %s %q", req.Turn, req.Conversation, req.Kind, clip(req.SuggestionID))
	}
	_, err = s.store.AddEventOnce(context.WithoutCancel(ctx), key, kb.Event{Shop: shop, Conversation: req.Conversation, Turn: req.Turn,
		Agent: p.Name, SuggestionID: req.SuggestionID, Kind: req.Kind, Action: action, At: s.now()})
	return err
}

// suggestion names one suggestion of a set, as events do.
type suggestion struct{ id, kind string }

// suggestionsOf lists every suggestion of a set: nudges by kind (and
// category), products, rules and phrases by id. kb.SetMembers reads the
// same list from a stored set.
func suggestionsOf(sugg *assistant.Suggestions) []suggestion {
	out := make([]suggestion, 0, len(sugg.Nudges)+len(sugg.Products)+len(sugg.Rules)+len(sugg.Phrases))
	for _, n := range sugg.Nudges {
		out = append(out, suggestion{NudgeID(n), kb.SuggestionNudge})
	}
	for _, p := range sugg.Products {
		out = append(out, suggestion{p.ID, kb.SuggestionProduct})
	}
	for _, r := range sugg.Rules {
		out = append(out, suggestion{r.ID, kb.SuggestionRule})
	}
	for _, p := range sugg.Phrases {
		out = append(out, suggestion{p.ID, kb.SuggestionPhrase})
	}
	return out
}

// NudgeID is how events name a nudge: its kind, and its category if any.
func NudgeID(n assistant.Nudge) string { return kb.NudgeID(n.Kind, n.Category) }

func offered(sugg *assistant.Suggestions, kind, id string) bool {
	for _, sg := range suggestionsOf(sugg) {
		if sg.kind == kind && sg.id == id {
			return true
		}
	}
	return false
}

// showOf is the show of a set pushed to an agent's panel: one record
// for the push, with the set's members for the counts the store keeps
// beside it. (It was one shown event per suggestion before issue 13.)
func showOf(shop int64, sugg *assistant.Suggestions, members []kb.SetMember, agent string, at time.Time) kb.Show {
	if members == nil {
		members = setMembers(sugg)
	}
	return kb.Show{Shop: shop, Conversation: sugg.Conversation, Turn: sugg.Turn, Agent: agent, At: at, Members: members}
}

// setMembers is what a show of sugg records as shown, in suggestionsOf's
// order. The hub works it out once a set and every agent's show shares it:
// nothing changes a show's members, and the slice is clipped so that an
// append makes a copy.
func setMembers(sugg *assistant.Suggestions) []kb.SetMember {
	out := make([]kb.SetMember, 0, len(sugg.Nudges)+len(sugg.Products)+len(sugg.Rules)+len(sugg.Phrases))
	for _, sg := range suggestionsOf(sugg) {
		out = append(out, kb.SetMember{Kind: sg.kind, ID: sg.id})
	}
	return slices.Clip(out)
}
