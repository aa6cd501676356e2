// Package synth makes synthetic shops of any size, for benchmarks and load
// tests that must see how the engine behaves as a shop grows. The shops are
// deterministic for a given size and seed, and built from generic goods
// words, not from any real shop.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"assist/kb"
)

// Size says how big a shop to make.
type Size struct {
	Products int
	Phrases  int
	Rules    int // 0: 40
	Seed     uint64
}

var (
	adjectives = []string{"轻薄", "加厚", "复古", "简约", "北欧", "便携", "大容量", "防水", "静音", "迷你",
		"高腰", "宽松", "修身", "纯色", "条纹", "碎花", "磨砂", "亮面", "折叠", "加长"}
	materials = []string{"纯棉", "亚麻", "真丝", "羊毛", "竹纤维", "不锈钢", "陶瓷", "玻璃", "实木", "硅胶",
		"皮革", "帆布", "铝合金", "竹制", "橡木", "羊绒", "涤纶", "搪瓷", "牛皮", "藤编"}
	nouns = []string{"衬衫", "长裙", "短裤", "外套", "毛衣", "围巾", "背包", "水杯", "餐盘", "收纳盒",
		"台灯", "抱枕", "拖鞋", "雨伞", "钱包", "茶杯", "砧板", "床单", "毛巾", "花瓶",
		"保温杯", "手提袋", "帽子", "手套", "腰带", "书架", "挂钟", "地毯", "窗帘", "笔袋"}
	colors  = []string{"米白", "藏青", "墨绿", "浅灰", "酒红", "卡其", "雾蓝", "燕麦色"}
	origins = []string{"浙江", "广东", "江苏", "福建", "山东", "河北"}
	topics  = []struct {
		scene kb.Scene
		title string
		text  string
		tags  []string
	}{
		{kb.SceneGreeting, "欢迎", "亲,欢迎光临{店铺},有什么可以帮您?", []string{"你好", "在吗"}},
		{kb.SceneProduct, "材质说明", "亲,{商品}的材质是{材质},做工很细致哦~", []string{"材质", "面料"}},
		{kb.SceneProduct, "颜色说明", "亲,{商品}现有{颜色},实物和图片一致~", []string{"颜色", "色差"}},
		{kb.SceneProduct, "尺码建议", "亲,{商品}{尺码},拿不准可以告诉我身高体重~", []string{"尺码", "大小"}},
		{kb.SceneProduct, "价格说明", "亲,{商品}现在{价格},已经是活动价了~", []string{"价格", "多少钱"}},
		{kb.SceneUpsell, "套餐推荐", "亲,单件已是活动价,选{套餐}更划算哦~", []string{"便宜", "优惠", "套餐"}},
		{kb.SceneUpsell, "搭配推荐", "亲,{搭配商品}和它很配,一起买更省心~", []string{"搭配", "一起买"}},
		{kb.SceneUrgePay, "催付", "亲,您拍下的宝贝还没付款,库存不多了哦~", []string{"付款", "库存"}},
		{kb.SceneShipping, "发货时效", "亲,{商品}付款后{发货时效}内发出,请放心~", []string{"发货", "什么时候发"}},
		{kb.SceneShipping, "快递说明", "亲,默认发中通,需要顺丰可以补差价哦~", []string{"快递", "顺丰"}},
		{kb.SceneAfterSale, "退换说明", "亲,收到不满意七天内可以申请退换,不影响二次销售即可~", []string{"退货", "换货"}},
		{kb.SceneAfterSale, "退款进度", "亲,退款已经提交,平台审核后原路退回~", []string{"退款", "到账"}},
		{kb.SceneEvidence, "请拍照", "亲,麻烦拍一下破损的地方和外包装,我马上为您处理~", []string{"破损", "照片"}},
		{kb.SceneEvidence, "少件核实", "亲,麻烦提供开箱视频,我们核实少件情况~", []string{"少件", "漏发"}},
		{kb.SceneClosing, "道别", "感谢亲的支持,祝您生活愉快~", []string{"谢谢", "再见"}},
	}
	rules = []struct{ title, source, text string }{
		{"七天无理由退货", "《消费者权益保护法》第二十五条", "网购商品自收到之日起七日内可无理由退货,定作商品除外。"},
		{"签收后少件破损需举证", "店铺售后规范", "签收后反馈少件、破损、发错的,需提供开箱视频或照片。"},
		{"发货时间承诺", "平台发货管理规则", "卖家应在承诺的时间内发货,客服不得承诺快递送达时间。"},
		{"以差评要挟属不当评价", "平台评价规范", "以差评、投诉要挟卖家谋取不当利益的,属于不当评价。"},
		{"禁止绝对化用语", "《广告法》第九条", "广告不得使用国家级、最高级、最佳等用语。"},
	}
)

// Shop makes a shop of the given size. Products are named from adjective,
// material and noun; about one in twenty is pre-sale and one in twenty made
// to order. Phrases cycle through common topics with a product word in their
// tags, so many phrases share words with any turn, as in a big real shop.
func Shop(size Size) *kb.Shop {
	r := rand.New(rand.NewPCG(size.Seed, 0x5eed))
	shop := &kb.Shop{Name: "合成百货", ShipWithinHours: 48, SameDayCutoff: "16:00", Timezone: "Asia/Shanghai"}
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	for i := range size.Products {
		adj, mat, noun := pick(adjectives), pick(materials), pick(nouns)
		p := kb.Product{
			ID:      "p" + strconv.Itoa(i+1),
			Title:   fmt.Sprintf("%s%s%s %d号", adj, mat, noun, i+1),
			Aliases: []string{mat + noun, adj + noun},
			Price:   float64(19 + r.IntN(500)),
			Facts: []kb.Fact{
				{Name: "材质", Value: mat},
				{Name: "颜色", Value: pick(colors) + "、" + pick(colors)},
				{Name: "尺码", Value: "均码,常规版型"},
				{Name: "产地", Value: pick(origins)},
			},
		}
		switch i % 20 {
		case 7:
			p.ShipWithinHours = 360
			p.Facts = append(p.Facts, kb.Fact{Name: "发货", Value: "预售款,付款后15天内发货"})
		case 13:
			p.ShipWithinHours = 120
			p.Facts = append(p.Facts, kb.Fact{Name: "定制", Value: "支持刻字定制,定制后不退换"})
		}
		if i > 0 {
			p.PairsWith = []string{"p" + strconv.Itoa(i)}
			p.Bundles = []kb.Bundle{{Title: p.Aliases[0] + "两件装", Items: []string{p.ID}, Price: p.Price * 1.8}}
		}
		shop.Products = append(shop.Products, p)
	}
	nRules := size.Rules
	if nRules == 0 {
		nRules = 40
	}
	for i := range nRules {
		base := rules[i%len(rules)]
		shop.Rules = append(shop.Rules, kb.Rule{ID: "r" + strconv.Itoa(i+1), Title: base.title, Source: base.source,
			Text: base.text, Tags: []string{base.title[:6], pick(nouns)}})
	}
	for i := range size.Phrases {
		t := topics[i%len(topics)]
		noun := pick(nouns)
		shop.Phrases = append(shop.Phrases, kb.Phrase{ID: "s" + strconv.Itoa(i+1), Scene: t.scene,
			Title: t.title + " " + noun, Text: t.text, Tags: append([]string{noun, pick(materials)}, t.tags...)})
	}
	return shop
}
