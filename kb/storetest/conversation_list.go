package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// testConversationList checks the panel's list against its rule, over
// conversations of three assignees and nobody, several updated in the same
// instant or the same minute: the caller's own first, then the rest, each
// group the latest updated first and, in the same instant, by id; cut at
// the limit.
func testConversationList(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	other, err := db.ImportShop(ctx, teaShop("别家茶铺"))
	must(t, "import", err)
	assignees := []string{"xiaowang", "", "xiaoli", "xiaowang", "", "laozhang"}
	type conv struct {
		id, assignee string
		at           time.Time
		turns        int
	}
	var convs []*conv
	byID := map[string]*conv{}
	for i := range 40 {
		// Every third turn shares its instant with the one before; the 40
		// span several minutes, a few in each (a store may index the minute).
		if i%3 != 0 {
			clk.advance(17 * time.Second)
		}
		id := fmt.Sprintf("c%02d", (i*7)%23) // conversations come back
		c, ok := byID[id]
		if !ok {
			c = &conv{id: id}
			byID[id] = c
			convs = append(convs, c)
		}
		tr := turn(tea.ID, id, c.turns, "在吗", clk.now())
		tr.Assignee = assignees[i%len(assignees)]
		if tr.Assignee != "" { // a turn that names nobody keeps the assignee
			c.assignee = tr.Assignee
		}
		must(t, "add turn", db.AddTurn(ctx, tr))
		c.turns++
		c.at = clk.now()
	}
	must(t, "add turn", db.AddTurn(ctx, turn(other.ID, "c00", 0, "在吗", clk.now())))

	for _, who := range []string{"xiaowang", "xiaoli", "", "nobody-here"} {
		want := slices.Clone(convs)
		slices.SortFunc(want, func(a, b *conv) int {
			if am, bm := who != "" && a.assignee == who, who != "" && b.assignee == who; am != bm {
				if am {
					return -1
				}
				return 1
			}
			if c := b.at.Compare(a.at); c != 0 {
				return c
			}
			return strings.Compare(a.id, b.id)
		})
		for _, limit := range []int{1, 3, 5, 9, len(convs), 100} {
			got, err := db.ConversationsFor(ctx, tea.ID, who, limit)
			must(t, "list", err)
			var gotIDs, wantIDs []string
			for _, c := range got {
				gotIDs = append(gotIDs, c.ID)
				if w := byID[c.ID]; w == nil || c.Assignee != w.assignee || !c.UpdatedAt.Equal(w.at) || c.Turns != w.turns {
					t.Errorf("%q, limit %d: %+v, want %+v", who, limit, c, w)
				}
			}
			for _, c := range want[:min(limit, len(want))] {
				wantIDs = append(wantIDs, c.id)
			}
			if !slices.Equal(gotIDs, wantIDs) {
				t.Errorf("%q's list, limit %d:\n got %v\nwant %v", who, limit, gotIDs, wantIDs)
			}
		}
	}
	if got, err := db.ConversationsFor(ctx, tea.ID, "xiaowang", 0); err != nil || len(got) != 0 {
		t.Errorf("limit 0: %d conversations, %v; want none", len(got), err)
	}
}
