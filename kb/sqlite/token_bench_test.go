package sqlite

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// BenchmarkTokenBySecret looks a token up, alone and while turns commit
// beside it (each commit makes SQLite drop the reader's page cache):
//
//	go test ./kb/sqlite -run X -bench TokenBySecret -benchtime 20000x -count 3
func BenchmarkTokenBySecret(b *testing.B) {
	for _, busy := range []bool{false, true} {
		b.Run(fmt.Sprintf("turns-beside=%v", busy), func(b *testing.B) {
			db := openWithShop(b)
			ctx := context.Background()
			shops, err := db.Shops(ctx)
			if err != nil {
				b.Fatal(err)
			}
			plain, _, err := db.CreateToken(ctx, shops[0].ID, "bench")
			if err != nil {
				b.Fatal(err)
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			if busy {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						if err := db.AddTurn(ctx, storedTurn(fmt.Sprintf("c%d", i%64), i/64, "这款有优惠吗")); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			b.ResetTimer()
			for range b.N {
				if _, err := db.TokenBySecret(ctx, plain); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
		})
	}
}
