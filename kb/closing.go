package kb

// SocketClosing names open sockets to close on every instance of a shared
// store: those of a session that logged out, or of a revoked API token. A
// session is named by the hex of secret.Hash of its id, as the store keeps
// it, so the order carries no secret that would open anything.
type SocketClosing struct {
	SessionHash string `json:"session,omitempty"`
	Token       int64  `json:"token,omitempty"`
	// Reason is the close frame's reason the panel shows.
	Reason string `json:"reason"`
}
