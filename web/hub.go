package web

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"assist/assistant"
)

// Hub knows which sockets listen to which conversation. Publishing never
// waits for a socket: each has a bounded queue, and a socket whose queue is
// full is dropped.
type Hub struct {
	mu     sync.RWMutex
	topics map[topic]map[*client]struct{}
	n      int
	closed bool
	// tokens are the API tokens recently found in the store, for the
	// servers on this hub (on a store of their own). The hub hears of
	// every revocation this instance makes (CloseSockets) and forgets the
	// token there.
	tokens *tokenCache
}

// NewHub makes the hub that pushes committed turns to the sockets watching
// their conversation; the Desk publishes into it.
func NewHub() *Hub { return &Hub{topics: map[topic]map[*client]struct{}{}, tokens: newTokenCache()} }

// topic is what a socket watches: one conversation of one shop.
type topic struct {
	shop int64
	conv string
}

// subscribe adds c to its conversation; false once the hub is closed.
func (h *Hub) subscribe(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	set, ok := h.topics[c.topic]
	if !ok {
		set = map[*client]struct{}{}
		h.topics[c.topic] = set
	}
	set[c] = struct{}{}
	h.n++
	return true
}

func (h *Hub) unsubscribe(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	set, ok := h.topics[c.topic]
	if !ok {
		return
	}
	if _, ok := set[c]; !ok {
		return
	}
	delete(set, c)
	h.n--
	if len(set) == 0 {
		delete(h.topics, c.topic)
	}
}

func (h *Hub) count() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.n
}

// Publish queues a turn's suggestion set, encoded once as data, to every
// socket of the conversation.
func (h *Hub) Publish(shop int64, conv string, sugg *assistant.Suggestions, data []byte) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	watching := h.topics[topic{shop, conv}]
	if len(watching) == 0 {
		return // a chat no panel has open: no frame to build
	}
	f := &outFrame{shown: sugg, members: setMembers(sugg)}
	if len(data) > 2 && data[0] == '{' { // an object with members, as a set is: no copy
		f.head, f.data = suggestionsHead, data[1:]
	} else {
		f.data = withType("suggestions", "", data)
	}
	for c := range watching {
		c.enqueue(f)
	}
}

// Retract takes back, on every socket watching the conversation, the
// suggestion set of a turn the store refused after it was published. The
// frame follows the set on each socket's queue, so a panel always hears of
// the set first.
func (h *Hub) Retract(shop int64, conv string, turn int) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	watching := h.topics[topic{shop, conv}]
	if len(watching) == 0 {
		return
	}
	frame, _ := json.Marshal(retractedFrame{Type: "retracted", Conversation: conv, Turn: turn,
		Reason: "这句未能保存,建议已撤回"})
	f := &outFrame{data: frame, retracted: &retraction{conv: conv, turn: turn}}
	for c := range watching {
		c.enqueue(f)
	}
}

type retractedFrame struct {
	Type         string `json:"type"`
	Conversation string `json:"conversation"`
	Turn         int    `json:"turn"`
	Reason       string `json:"reason"`
}

// closeWhere closes, with 1008 and reason, every socket that match picks.
func (h *Hub) closeWhere(match func(*client) bool, reason string) {
	h.mu.RLock()
	var picked []*client
	for _, set := range h.topics {
		for c := range set {
			if match(c) {
				picked = append(picked, c)
			}
		}
	}
	h.mu.RUnlock()
	for _, c := range picked {
		h.unsubscribe(c)
		go c.closeWith(websocket.ClosePolicyViolation, reason, time.Second)
	}
}

// closeAll closes every socket with 1001 (going away) and refuses new ones.
// Sockets are closed in parallel, each waiting at most a second (less if
// ctx ends sooner) for its close frame to go out.
func (h *Hub) closeAll(ctx context.Context) {
	h.mu.Lock()
	h.closed = true
	var all []*client
	for _, set := range h.topics {
		for c := range set {
			all = append(all, c)
		}
	}
	h.mu.Unlock()
	wait := time.Second
	if d, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(d))
	}
	var wg sync.WaitGroup
	for _, c := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.closeWith(websocket.CloseGoingAway, "server shutting down", wait)
		}()
	}
	wg.Wait()
}

// suggestionsHead is what withType puts before a suggestion set's members.
var suggestionsHead = []byte(`{"type":"suggestions",`)

// withType turns an encoded JSON object into a frame by putting "type" (and
// "ref" when not empty) in front of its fields, without decoding it again.
func withType(typ, ref string, object []byte) []byte {
	head := `{"type":"` + typ + `",`
	if ref != "" {
		r, _ := jsonString(ref)
		head += `"ref":` + r + `,`
	}
	if len(object) <= 2 || object[0] != '{' { // {} or not an object: the type alone
		return []byte(head[:len(head)-1] + "}")
	}
	out := make([]byte, 0, len(head)+len(object))
	out = append(out, head...)
	return append(out, object[1:]...)
}
