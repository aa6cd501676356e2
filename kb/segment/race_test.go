//go:build race

package segment

// raceEnabled: the race detector makes long single-goroutine comparisons
// many times slower and finds nothing in them.
const raceEnabled = true
