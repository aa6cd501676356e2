package kb

import (
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

func testShop(n int) *Shop {
	s := &Shop{Name: "test"}
	for i := range n {
		id := strconv.Itoa(i)
		s.Products = append(s.Products, Product{ID: "p" + id, Title: "商品" + id})
		s.Rules = append(s.Rules, Rule{ID: "r" + id})
		s.Phrases = append(s.Phrases, Phrase{ID: "s" + id})
	}
	return s
}

func TestLookupByID(t *testing.T) {
	s := testShop(5)
	s.Products = append(s.Products, Product{ID: "p2", Title: "重复"}) // the first of duplicate ids wins
	for _, tc := range []struct {
		name string
		id   string
		want string
		ok   bool
	}{
		{"first", "p0", "商品0", true},
		{"last", "p4", "商品4", true},
		{"duplicate id", "p2", "商品2", true},
		{"absent", "p9", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := s.Product(tc.id)
			if ok != tc.ok || (ok && p.Title != tc.want) {
				t.Fatalf("Product(%q) = %v, %v; want %q, %v", tc.id, p, ok, tc.want, tc.ok)
			}
		})
	}
	if r, ok := s.Rule("r3"); !ok || r.ID != "r3" {
		t.Errorf("Rule(r3) = %v, %v", r, ok)
	}
	if ph, ok := s.Phrase("s1"); !ok || ph.ID != "s1" {
		t.Errorf("Phrase(s1) = %v, %v", ph, ok)
	}
}

// A shop edited after its first lookup still answers from its lists as they
// are now.
func TestLookupAfterEdit(t *testing.T) {
	s := testShop(3)
	if _, ok := s.Product("p1"); !ok {
		t.Fatal("p1 not found")
	}
	s.Products = append(s.Products[:1], s.Products[2:]...) // delete p1: p2 moves up
	if _, ok := s.Product("p1"); ok {
		t.Error("deleted p1 still found")
	}
	if p, ok := s.Product("p2"); !ok || p.ID != "p2" {
		t.Errorf("p2 after delete = %v, %v", p, ok)
	}
	s.Products = append(s.Products, Product{ID: "new", Title: "新品"})
	if p, ok := s.Product("new"); !ok || p.Title != "新品" {
		t.Errorf("added product = %v, %v", p, ok)
	}
	s.Phrases[0].ID = "renamed"
	if _, ok := s.Phrase("s0"); ok {
		t.Error("renamed phrase found under its old id")
	}
	if _, ok := s.Phrase("renamed"); !ok {
		t.Error("renamed phrase not found")
	}
}

func TestLookupConcurrent(t *testing.T) {
	s := testShop(100)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				id := "p" + strconv.Itoa((i+g)%100)
				if p, ok := s.Product(id); !ok || p.ID != id {
					t.Errorf("Product(%q) = %v, %v", id, p, ok)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// The maps of a shop no longer used go with it.
func TestLookupMapsAreFreedWithTheShop(t *testing.T) {
	count := func() int {
		n := 0
		byID.Range(func(_, _ any) bool { n++; return true })
		return n
	}
	before := count()
	func() {
		s := testShop(10)
		s.Product("p1")
	}()
	deadline := time.Now().Add(5 * time.Second)
	for count() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d id maps held after the shop was dropped, want %d", count(), before)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

func BenchmarkProductLookup(b *testing.B) {
	s := testShop(10000)
	for i := 0; b.Loop(); i++ {
		if _, ok := s.Product("p9999"); !ok {
			b.Fatal("not found")
		}
	}
}
