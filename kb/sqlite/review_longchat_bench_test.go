package sqlite

import (
	"path/filepath"
	"testing"

	"assist/kb"
	"assist/kb/storetest"
	"assist/kb/storetest/realsets"
)

// BenchmarkReviewLongChat is what the background refresh costs per turn
// while chats go on (storetest.BenchLongChats), with the sets the engine
// made for the evaluation shops.
//
//	go test ./kb/sqlite -run '^$' -bench ReviewLongChat -benchtime 3x
func BenchmarkReviewLongChat(b *testing.B) {
	mix, err := realsets.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer mix.Close()
	db := openMix(b, filepath.Join(b.TempDir(), "assist.db"), mix)
	var pool []*kb.StoredTurn // the sets of one shop, to make long chats of
	playInto(b, mix, 2000, func(turns []*kb.StoredTurn) error {
		for _, st := range turns {
			if st.Shop == 1 {
				pool = append(pool, st)
			}
		}
		return nil
	})
	storetest.BenchLongChats(b, db, 1, pool)
}
