package assistant_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"testing"
	"time"

	"assist/assistant"
	"assist/kb"
)

// syntheticShop is shop n of a many-shop server: about 50 products and 40
// phrases, its words drawn from one of a few trades so shops differ.
func syntheticShop(n int) *kb.Shop {
	trades := []struct {
		goods []string
		facts []string
	}{
		{[]string{"连衣裙", "衬衫", "牛仔裤", "风衣", "针织衫", "半身裙"}, []string{"面料", "尺码", "颜色"}},
		{[]string{"充电器", "数据线", "充电宝", "耳机", "手机壳", "支架"}, []string{"接口", "功率", "兼容"}},
		{[]string{"绿茶", "红茶", "乌龙茶", "普洱", "白茶", "花茶"}, []string{"产地", "年份", "保质期"}},
		{[]string{"猫粮", "狗粮", "猫砂", "逗猫棒", "宠物窝", "牵引绳"}, []string{"适用", "重量", "成分"}},
		{[]string{"面霜", "精华", "面膜", "防晒霜", "洗面奶", "口红"}, []string{"肤质", "容量", "成分"}},
	}
	tr := trades[n%len(trades)]
	shop := &kb.Shop{Name: fmt.Sprintf("店铺%03d", n), ShipWithinHours: 48, SameDayCutoff: "16:00", Timezone: "Asia/Shanghai"}
	for i := 0; i < 50; i++ {
		good := tr.goods[i%len(tr.goods)]
		p := kb.Product{ID: fmt.Sprintf("p%d", i), Title: fmt.Sprintf("%s 款式%d", good, i), Aliases: []string{good + fmt.Sprint(i)},
			Price: float64(20 + i)}
		for _, f := range tr.facts {
			p.Facts = append(p.Facts, kb.Fact{Name: f, Value: fmt.Sprintf("%s说明%d", f, i)})
		}
		if i > 0 {
			p.PairsWith = []string{fmt.Sprintf("p%d", i-1)}
			p.Bundles = []kb.Bundle{{Title: good + "两件套", Items: []string{p.ID, fmt.Sprintf("p%d", i-1)}, Price: float64(30 + i)}}
		}
		shop.Products = append(shop.Products, p)
	}
	for i := 0; i < 5; i++ {
		shop.Rules = append(shop.Rules, kb.Rule{ID: fmt.Sprintf("r%d", i), Title: fmt.Sprintf("售后规则%d", i),
			Source: "店铺规则", Text: "收到商品破损请拍照联系客服,我们会尽快处理。", Tags: []string{"破损", "售后"}})
	}
	scenes := []kb.Scene{kb.SceneGreeting, kb.SceneProduct, kb.SceneUpsell, kb.SceneShipping, kb.SceneAfterSale, kb.SceneEvidence, kb.SceneClosing}
	for i := 0; i < 40; i++ {
		sc := scenes[i%len(scenes)]
		shop.Phrases = append(shop.Phrases, kb.Phrase{ID: fmt.Sprintf("h%d", i), Scene: sc, Title: fmt.Sprintf("话术%d", i),
			Text: fmt.Sprintf("亲,这款%s很受欢迎,有问题随时找我哦%d", tr.goods[i%len(tr.goods)], i), Tags: []string{"便宜", "发货", "破损"}[i%3 : i%3+1]})
	}
	return shop
}

// BenchmarkDeskHundredShops loads 100 shops into one process and answers
// turns spread across them. It reports the heap each loaded shop adds, the
// time to load a cold shop, and the turn latencies:
//
//	go test ./assistant -run X -bench DeskHundredShops -benchtime 5000x
func BenchmarkDeskHundredShops(b *testing.B) {
	const shops = 100
	names := make([]string, shops)
	for i := range names {
		names[i] = fmt.Sprintf("店铺%03d", i)
	}
	f := newFixture(b, nil)
	ctx := context.Background()
	for i := 0; i < shops; i++ {
		info, err := f.db.ImportShop(ctx, syntheticShop(i))
		if err != nil {
			b.Fatal(err)
		}
		f.shops = append(f.shops, info)
	}
	// One shop first, so the process-wide dictionary is in before measuring.
	if _, err := f.desk.Knowledge(ctx, f.shops[0].ID); err != nil {
		b.Fatal(err)
	}
	before := heapInUse()
	var loads []time.Duration
	for _, s := range f.shops[1:] {
		start := time.Now()
		if _, err := f.desk.Knowledge(ctx, s.ID); err != nil {
			b.Fatal(err)
		}
		loads = append(loads, time.Since(start))
	}
	perShop := float64(heapInUse()-before) / float64(shops-1) / (1 << 20)
	sort.Slice(loads, func(i, j int) bool { return loads[i] < loads[j] })

	lines := []string{"能便宜点吗", "什么时候发货", "收到的东西是坏的", "这款有货吗", "两件一起买有优惠吗"}
	rng := rand.New(rand.NewPCG(1, 2))
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := f.shops[rng.IntN(shops)]
		conv := fmt.Sprintf("c%d", rng.IntN(20))
		t := assistant.Turn{Role: assistant.Buyer, Text: lines[rng.IntN(len(lines))]}
		start := time.Now()
		if _, _, err := f.desk.Turn(ctx, s.ID, conv, t, "bench"); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(perShop, "MiB/shop")
	b.ReportMetric(float64(loads[len(loads)/2].Milliseconds()), "load-p50-ms")
	b.ReportMetric(float64(loads[len(loads)-1].Milliseconds()), "load-max-ms")
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "turn-p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "turn-p99-µs")
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
