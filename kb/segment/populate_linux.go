package segment

import "golang.org/x/sys/unix"

// populate has the kernel map every page of p, new memory, in one call,
// instead of one fault a page as a read first writes to it: on a virtual
// machine a fault costs tens of microseconds, and a kept dictionary's
// arrays are 11,000 pages. An error (a kernel before 5.14) changes nothing
// but the speed.
func populate(p []byte) {
	if len(p) > 0 {
		unix.Madvise(p, unix.MADV_POPULATE_WRITE)
	}
}
