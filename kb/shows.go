package kb

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Show records that a turn's suggestion set was pushed to an agent's panel:
// every suggestion of the set, as stored with the turn, was shown to that
// agent at that time. Stores keep one record per show (issue 13): the set is
// the turn's, so the record names the turn rather than repeating the set.
// The server records one show when a set reaches one agent's panels, however
// many tabs that agent has the chat open in (web's recorder).
type Show struct {
	Shop         int64
	Conversation string
	Turn         int
	Agent        string // the user's name, always from the session
	At           time.Time
	// Members are the set's suggestions (SetMembers of the stored set), as
	// the caller that pushed it knows them: the store counts them per hour
	// beside the record. They are not stored with it, and a store does not
	// read them back.
	Members []SetMember
}

// SetMember names one suggestion of a set as events do: a kind and an id (a
// phrase, rule or product id; a nudge's kind, and ":category" if it has one).
type SetMember struct {
	Kind string
	ID   string
}

// NudgeID is how events name a nudge: its kind, and its category if any.
func NudgeID(kind, category string) string {
	if category == "" {
		return kind
	}
	return kind + ":" + category
}

// ShowEvents expands a show into the shown events it stands for: one per
// member of the set, as stores recorded them before migration 013.
func ShowEvents(s Show, members []SetMember) []Event {
	out := make([]Event, len(members))
	for i, m := range members {
		out[i] = Event{Shop: s.Shop, Conversation: s.Conversation, Turn: s.Turn, Agent: s.Agent,
			SuggestionID: m.ID, Kind: m.Kind, Action: ActionShown, At: s.At}
	}
	return out
}

// Validate checks what a store needs of a show.
func (s Show) Validate() error {
	switch {
	case s.Shop <= 0 || s.Conversation == "" || s.Agent == "":
		return Errorf(EInvalid, "a show needs a shop, a conversation and an agent")
	case s.Turn < 0:
		return Errorf(EInvalid, "turn %d: want 0 or more", s.Turn)
	}
	for _, m := range s.Members {
		if !ValidSuggestionKind(m.Kind) || m.ID == "" {
			return Errorf(EInvalid, "member %s %q: want a kind (product, rule, phrase or nudge) and an id", m.Kind, m.ID)
		}
	}
	return nil
}

// StampShows checks shows for a store to write and gives them back with
// now as the time of those that have none: all or none. Neither shows nor
// the returned slice may be changed by the caller (they may be the same).
func StampShows(shows []Show, now time.Time) ([]Show, error) {
	unstamped := false
	for i, s := range shows {
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("show %d: %w", i, err)
		}
		unstamped = unstamped || s.At.IsZero()
	}
	if !unstamped { // as a panel's shows come: no copy to make
		return shows, nil
	}
	out := slices.Clone(shows)
	for i := range out {
		if out[i].At.IsZero() {
			out[i].At = now
		}
	}
	return out, nil
}

// ShownCount is how many times one suggestion was shown in one hour: the
// counts a store keeps beside its show records.
type ShownCount struct {
	Shop     int64
	Kind, ID string
	Hour     time.Time // UTC, on the hour
	N        int
}

// ShownCounts sums the members of shows per shop, suggestion and hour, in
// the order of the stores' key (shop, kind, hour, id), so that writers
// adding to the same rows take them in the same order.
func ShownCounts(shows []Show) []ShownCount {
	type key struct {
		shop     int64
		hour     int64
		kind, id string
	}
	n := map[key]int{}
	var keys []key
	for _, s := range shows {
		h := s.At.UTC().Truncate(time.Hour).Unix()
		for _, m := range s.Members {
			k := key{s.Shop, h, m.Kind, m.ID}
			if _, ok := n[k]; !ok {
				keys = append(keys, k)
			}
			n[k]++
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.shop, b.shop), cmp.Compare(a.kind, b.kind), cmp.Compare(a.hour, b.hour), cmp.Compare(a.id, b.id))
	})
	out := make([]ShownCount, len(keys))
	for i, k := range keys {
		out[i] = ShownCount{Shop: k.shop, Kind: k.kind, ID: k.id, Hour: time.Unix(k.hour, 0).UTC(), N: n[k]}
	}
	return out
}

// CountedHour is the first whole hour at or after since (UTC): a store
// answers "shown since" from its hourly counts from that hour on, and from
// the show records of the part hour before it.
func CountedHour(since time.Time) time.Time {
	since = since.UTC()
	hour := since.Truncate(time.Hour)
	if hour.Before(since) {
		hour = hour.Add(time.Hour)
	}
	return hour
}

// AddShown adds n to out for each suggestion of kind in a stored set (shown
// n times); a set that does not decode showed nothing countable.
func AddShown(out map[string]int, kind string, set []byte, n int) {
	members, _ := SetMembers(set)
	for _, m := range members {
		if m.Kind == kind {
			out[m.ID] += n
		}
	}
}

// AddShownUsage adds to usage how often shows showed each phrase in the
// last 7 days (week) and the last 30 (month).
func AddShownUsage(usage map[string]PhraseUsage, week, month map[string]int) {
	for id, n := range month {
		u := usage[id]
		u.Shown30 += n
		usage[id] = u
	}
	for id, n := range week {
		u := usage[id]
		u.Shown7 += n
		usage[id] = u
	}
}

// ShownTo lists, per turn, the agents whose panels showed its set, each
// once, in the order first shown: by time, the shown events among events
// (recorded before shows, migration 013) before shows at the same instant.
func ShownTo(events []Event, shows []Show) map[int][]string {
	all := make([]Show, 0, len(events)+len(shows))
	for _, e := range events {
		if e.Action == ActionShown {
			all = append(all, Show{Turn: e.Turn, Agent: e.Agent, At: e.At})
		}
	}
	all = append(all, shows...)
	slices.SortStableFunc(all, func(a, b Show) int { return a.At.Compare(b.At) })
	out := map[int][]string{}
	for _, s := range all {
		if !slices.Contains(out[s.Turn], s.Agent) {
			out[s.Turn] = append(out[s.Turn], s.Agent)
		}
	}
	return out
}
