package sqlite

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"assist/kb"
)

// membershipCases are shop arrays as SQLite writes them and as it never
// does: each must decode as encoding/json decodes it.
var membershipCases = []string{
	`[]`,
	`[[1,"茶铺","agent"]]`,
	`[[3,"三店","admin"],[1,"茶铺","agent"],[2,"茶铺二店","manager"]]`,
	`[[7,"tab\there","agent"]]`,          // an escape: encoding/json's
	`[[7,"quote \" in","agent"]]`,        // the same
	`[[7,"back\\slash","agent"]]`,        // the same
	`[[7,"\u8336\u94fa","agent"]]`,       // written as escapes
	`[[7,"emoji 😀","agent"]]`,            // four-byte UTF-8, plain
	"[[7,\"raw\x01control\",\"agent\"]]", // not JSON: both fail
	"[[7,\"bad \xff utf8\",\"agent\"]]",  // encoding/json gives U+FFFD
	`[[007,"x","agent"]]`,                // not JSON
	`[[-1,"x","agent"]]`,                 // a sign: encoding/json's
	`[[1e3,"x","agent"]]`,                // not an int64
	`[[99999999999999999999,"x","agent"]]`,
	`[[1, "x", "agent"]]`, // spaces
	`[ [1,"x","agent"] ]`,
	`[[1,"x","agent","extra"]]`, // encoding/json drops the fourth
	`[[1,"x"]]`,                 // a member missing
	`[[1,"x","agent"],]`,
	`[[1,"x","agent"]`,
	`[[1,"x","agent"]]]`,
	`[["1","x","agent"]]`,
	`[[1,2,"agent"]]`,
	`[[1,"x","agent"][2,"y","agent"]]`,
	`[[1,"x",agent]]`,
	`[[1,"x","agent]]`,
	`[[1,"",""]]`,
	`null`,
	``,
	`[`,
	`]`,
	`[[]]`,
}

func TestDecodeMembershipsAsEncodingJSON(t *testing.T) {
	for _, c := range membershipCases {
		checkMemberships(t, []byte(c))
	}
	// Many shops, in no order.
	var b strings.Builder
	b.WriteString("[")
	for i := range 100 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `[%d,"店铺%d","agent"]`, (i*37)%101+1, i)
	}
	b.WriteString("]")
	checkMemberships(t, []byte(b.String()))
}

func checkMemberships(t *testing.T, b []byte) {
	t.Helper()
	got, err := decodeMemberships(b)
	want, werr := decodeMembershipsJSON(b)
	if (err == nil) != (werr == nil) || !reflect.DeepEqual(got, want) {
		t.Errorf("%q: decodeMemberships gives %#v (%v), encoding/json %#v (%v)", b, got, err, want, werr)
	}
}

func FuzzDecodeMemberships(f *testing.F) {
	for _, c := range membershipCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkMemberships(t, b) })
}

// TestSessionReadsShopNamesAsStored: names SQLite's JSON writes with
// escapes (a quote, a backslash, a control character) and without (an
// emoji) come back from a session as they were stored.
func TestSessionReadsShopNamesAsStored(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "agent-q", "a-password-long-enough", false)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{`茶"铺`, `a\b`, "tab\tname", "emoji 😀", "茶铺二店"}
	for _, name := range names {
		shop, err := db.ImportShop(ctx, &kb.Shop{Name: name, ShipWithinHours: 48, Timezone: "Asia/Shanghai"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Grant(ctx, u.ID, shop.ID, kb.RoleAgent); err != nil {
			t.Fatal(err)
		}
	}
	id, _, err := db.CreateSession(ctx, u, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.Session(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range s.User.Shops {
		got = append(got, m.ShopName)
	}
	if !reflect.DeepEqual(got, names) {
		t.Errorf("shop names %q, want %q", got, names)
	}
}

// BenchmarkDecodeMemberships decodes a person's shops as a session read
// does, by hand and through encoding/json:
//
//	go test ./kb/sqlite -run X -bench DecodeMemberships
func BenchmarkDecodeMemberships(b *testing.B) {
	for _, n := range []int{2, 20, 100} {
		var sb strings.Builder
		sb.WriteString("[")
		for i := range n {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString(`[` + strconv.Itoa(i+1) + `,"茶具专营店` + strconv.Itoa(i) + `","agent"]`)
		}
		sb.WriteString("]")
		data := []byte(sb.String())
		for _, dec := range []struct {
			name string
			f    func([]byte) ([]kb.Membership, error)
		}{{"plain", decodeMemberships}, {"encoding-json", decodeMembershipsJSON}} {
			b.Run(fmt.Sprintf("shops=%d/%s", n, dec.name), func(b *testing.B) {
				for b.Loop() {
					if ms, err := dec.f(data); err != nil || len(ms) != n {
						b.Fatal(len(ms), err)
					}
				}
			})
		}
	}
}
