package sqlite

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/storetest"
)

// BenchmarkSocketChecks checks the callers of 33 open sockets (what 10,000
// panels pinging every 30 s ask in 100 ms), each its own session, while turns
// commit beside them: one by one as a socket's ping did (Session, then its
// role in the shop), or together in one SessionRoles:
//
//	go test ./kb/sqlite -run X -bench SocketChecks -benchtime 300x -count 3
func BenchmarkSocketChecks(b *testing.B) {
	const people, sockets = 200, 33
	db := openWithShop(b)
	ctx := context.Background()
	shops, err := db.Shops(ctx)
	if err != nil {
		b.Fatal(err)
	}
	shop := shops[0].ID
	ids := make([]string, people)
	for i := range ids {
		u, err := db.CreateUser(ctx, fmt.Sprintf("agent-%03d", i), "bench-password", false)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Grant(ctx, u.ID, shop, kb.RoleAgent); err != nil {
			b.Fatal(err)
		}
		if ids[i], _, err = db.CreateSession(ctx, u, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a turn committed every millisecond or so
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			if err := db.AddTurn(ctx, storedTurn(fmt.Sprintf("c%d", i%64), i/64, "这款有优惠吗")); err != nil {
				b.Error(err)
				return
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	next := 0
	batch := func() []kb.SessionShop {
		asks := make([]kb.SessionShop, sockets)
		for i := range asks {
			asks[i] = kb.SessionShop{Session: ids[next%people], Shop: shop}
			next++
		}
		return asks
	}
	b.Run("one-by-one", func(b *testing.B) {
		for range b.N {
			for _, a := range batch() {
				s, err := db.Session(ctx, a.Session)
				if err != nil || s.User.RoleIn(a.Shop) != kb.RoleAgent {
					b.Fatalf("%+v %v", s, err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*sockets)/1e3, "µs/socket")
	})
	b.Run("together", func(b *testing.B) {
		for range b.N {
			roles, err := db.SessionRoles(ctx, batch())
			if err != nil || roles[0] != kb.RoleAgent || roles[sockets-1] != kb.RoleAgent {
				b.Fatalf("%v %v", roles, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*sockets)/1e3, "µs/socket")
	})
}

// BenchmarkSessionRead is what every request of a logged-in person reads
// first (storetest.BenchSessionRead).
//
//	go test ./kb/sqlite -run X -bench SessionRead -benchtime 20000x -count 3
func BenchmarkSessionRead(b *testing.B) {
	storetest.BenchSessionRead(b, openTemp(b))
}
