//go:build !linux

package segment

// populate does nothing where pages cannot be asked for in advance.
func populate(p []byte) {}
