package classify

import (
	"os"
	"strings"
	"testing"
)

func TestProbe(t *testing.T) {
	data, _ := os.ReadFile("/tmp/h1/cprobe.txt")
	c := Default()
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		rd := c.Buyer.Read(l)
		cat, p := rd.Best()
		t.Logf("%-24s %-26s %.2f ev %.2f up %.2f %v", l, cat, p, rd.KindProb("evidence"), rd.KindProb("upsell"), rd.Why(cat, 3))
	}
}
