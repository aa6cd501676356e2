package cues

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// found renders cues as "kind/category" in the order Detect gives them.
func found(cs []Cue) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, string(c.Kind)+"/"+c.Category)
	}
	return out
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		role string
		text string
		want []string // kind/category, in order of appearance; empty: nothing
	}{
		// upsell: bargaining
		{"tea bargain", "buyer", "这款乌龙茶能便宜点吗", []string{"upsell/bargain"}},
		{"shoes discount", "buyer", "这双鞋打个折呗", []string{"upsell/bargain"}},
		{"round down", "buyer", "168抹个零吧", []string{"upsell/bargain"}},
		{"too dear", "buyer", "面霜有点贵啊", []string{"upsell/bargain"}},
		{"cheaper elsewhere", "buyer", "别家的充电头比你家便宜", []string{"upsell/bargain"}},
		{"lowest price", "buyer", "沙发最低价多少", []string{"upsell/bargain"}},
		{"no discount is still bargaining", "buyer", "没有优惠吗", []string{"upsell/bargain"}},
		// upsell: gifts, shipping, quantity, buying
		{"gift", "buyer", "买茶具有赠品吗", []string{"upsell/gift"}},
		{"what comes free", "buyer", "口红送什么小样", []string{"upsell/gift"}},
		{"delivery is not a gift", "buyer", "能送到五楼吗", []string{}},
		{"free shipping", "buyer", "数据线包邮吗?", []string{"upsell/free_shipping"}},
		{"shipping fee", "buyer", "运费多少", []string{"upsell/free_shipping"}},
		{"shipping insurance is no fee question", "buyer", "有运费险吗", []string{}},
		{"three boxes price", "buyer", "买三盒多少钱", []string{"upsell/quantity"}},
		{"wholesale", "buyer", "鞋垫可以批发吗", []string{"upsell/quantity"}},
		{"how many for free shipping", "buyer", "买多少包邮", []string{"upsell/free_shipping"}},
		{"ordered", "buyer", "好的,我拍了", []string{"upsell/buy_intent"}},
		{"take one", "buyer", "那就拍一条吧", []string{"upsell/buy_intent"}},
		{"this one", "buyer", "就要这款了", []string{"upsell/buy_intent"}},
		{"paid", "buyer", "已付款,麻烦备注一下", []string{"upsell/buy_intent"}},
		{"not ordering", "buyer", "先不拍了", []string{}},
		{"a photo is not an order", "buyer", "我拍了照片给你看", []string{}},
		// an order already placed, chased: no selling into it
		{"ordered, then chasing", "buyer", "昨天就下单了,应该当天就发的啊", []string{"after_sale/late"}},
		{"stuck at pick-up", "buyer", "拍了三天了还在揽收", []string{"after_sale/late"}},
		{"tracking frozen", "buyer", "付款了物流一直没动", []string{"after_sale/late"}},
		// evidence: missing, wrong, damaged, not received
		{"it happened", "buyer", "用了两次就出现这种情况", []string{"evidence/quality"}},
		{"will it happen", "buyer", "用久了会不会出现这种情况", []string{}},
		{"hoping it won't", "buyer", "以后别再出现这种情况了", []string{}},
		{"tea box missing", "buyer", "茶叶收到了,少了一盒", []string{"evidence/missing"}},
		{"only two pairs", "buyer", "只收到两双袜子,我买的是三双", []string{"evidence/missing"}},
		{"only two once received", "buyer", "打开一看只有两个杯子", []string{"evidence/missing"}},
		{"only one colour is a product question", "buyer", "这款只有一个颜色吗", []string{}},
		{"rhetorical missing", "buyer", "怎么少发了一根数据线?", []string{"evidence/missing"}},
		{"will you miss one", "buyer", "不会漏发吧", []string{}},
		{"wrong colour sent", "buyer", "你们发错颜色了,我要的是黑色", []string{"evidence/wrong_item"}},
		{"not what I ordered", "buyer", "收到的不是我要的型号", []string{"evidence/wrong_item"}},
		{"wrong colour received", "buyer", "收到的颜色不对,我拍的是米白", []string{"evidence/wrong_item"}},
		{"colour remark before buying", "buyer", "图片这个颜色不对吧", []string{}},
		{"crushed box", "buyer", "快递盒子压坏了,里面的杯子碎了", []string{"evidence/damaged"}},
		{"cracked tea cake", "buyer", "打开发现茶饼裂了", []string{"evidence/damaged"}},
		{"hole", "buyer", "窗帘上有个洞", []string{"evidence/damaged"}},
		{"cracked cup", "buyer", "收到了茶杯有裂纹", []string{"evidence/damaged"}},
		{"broken: covered?", "buyer", "坏了包换吗", []string{}},
		{"presale damage question", "buyer", "没有破损吧?", []string{}},
		{"do not crush it", "buyer", "包装结实吗?别压坏了", []string{}},
		{"signed not received", "buyer", "显示已签收,但是我没收到", []string{"evidence/not_received"}},
		{"never got it", "buyer", "快递说放驿站了,我根本没收到", []string{"evidence/not_received"}},
		{"not yet arrived is no evidence", "buyer", "还没收到货呢", []string{}},
		// evidence: quality, generic across trades
		{"charger stopped charging", "buyer", "充电器用了两天就充不进电了", []string{"evidence/quality"}},
		{"shoes seam", "buyer", "鞋子穿了两天就开线了", []string{"evidence/quality"}},
		{"faded after wash", "buyer", "衣服洗了一次就掉色了", []string{"evidence/quality"}},
		{"strong smell", "buyer", "新沙发有很大的味道", []string{"evidence/quality"}},
		{"allergy", "buyer", "面膜用了过敏了", []string{"evidence/harm"}},
		{"how can you sell this", "buyer", "你们怎么卖这种东西", []string{"after_sale/upset", "evidence/quality"}},
		{"second hand after smell", "buyer", "收到有一股味道,是不是二手的", []string{"evidence/quality"}},
		{"exclamation is no question", "buyer", "质量也太差了吧", []string{"evidence/quality"}},
		{"will it fade", "buyer", "会不会掉色", []string{}},
		{"fades?", "buyer", "这件会掉色吗", []string{}},
		{"no pilling I hope", "buyer", "不会起球吧", []string{}},
		{"any smell", "buyer", "有没有味道", []string{}},
		{"A-not-A question", "buyer", "质量差不差", []string{}},
		{"good quality, will return", "buyer", "质量好的话下次还来", []string{}},
		{"supposing it fades", "buyer", "如果掉色了怎么办", []string{}},
		{"washed once, will it fade", "buyer", "洗了一次,会不会掉色?", []string{}},
		{"tasty is praise", "buyer", "收到了,这个茶也太好喝了吧", []string{}},
		{"no odour", "buyer", "这个面霜无异味", []string{}},
		{"does not fade easily", "buyer", "这款不太容易掉色吧", []string{}},
		{"washed, then faded: how", "buyer", "洗了一次掉色了怎么办", []string{"evidence/quality"}},
		// evidence: intervention and review extortion
		{"complain", "buyer", "我要投诉你们", []string{"evidence/intervention"}},
		{"platform", "buyer", "我已经申请平台介入了", []string{"evidence/intervention"}},
		{"consumer hotline", "buyer", "再不处理我就打12315", []string{"evidence/intervention"}},
		{"refund or bad review", "buyer", "不退款就差评", []string{"evidence/review_extortion"}},
		{"compensate or bad review", "buyer", "退我20块钱,不然差评", []string{"evidence/review_extortion"}},
		{"pay for good review", "buyer", "赔我50就给好评", []string{"evidence/review_extortion"}},
		{"promise of no bad review", "buyer", "我不会给差评的,放心", []string{}},
		{"conditional complaint is intervention", "buyer", "你们不发货我就投诉", []string{"evidence/intervention"}},
		{"bad review without money", "buyer", "质量太差了,差评", []string{"evidence/quality"}},
		{"complaint blocks upsell", "buyer", "少了一件,运费谁出", []string{"evidence/missing"}},
		// traditional and full-width
		{"traditional extortion", "buyer", "給我退款,不然給差評", []string{"evidence/review_extortion", "after_sale/return"}},
		{"traditional missing", "buyer", "茶葉收到了,少了一盒", []string{"evidence/missing"}},
		{"traditional bargain", "buyer", "這款充電器能便宜點嗎", []string{"upsell/bargain"}},
		{"traditional seam", "buyer", "鞋子穿了兩天就開膠了", []string{"evidence/quality"}},
		{"traditional signed", "buyer", "顯示已簽收,但是我沒收到", []string{"evidence/not_received"}},
		{"full-width question mark", "buyer", "没有破损吧？", []string{}},
		{"full-width digits", "buyer", "收到了，少了１件", []string{"evidence/missing"}},
		// agent: admission
		{"warehouse sent wrong", "agent", "非常抱歉,是我们仓库发错了", []string{"admission/early"}},
		{"our fault", "agent", "是我们的问题,马上给您补发", []string{"admission/early"}},
		{"if it is ours", "agent", "如果是我们的问题,我们会负责到底", []string{}},
		{"after checking", "agent", "核实后确认是我们的问题会给您补发", []string{}},
		{"not ours", "agent", "这不是我们的问题哦", []string{}},
		{"admission only for agents", "buyer", "是我们的问题吗", []string{}},
		// agent: wording
		{"best on the market", "agent", "这款充电器是市面上最好的", []string{"wording/absolute"}},
		{"absolutely", "agent", "我们的茶叶品质绝对一流", []string{"wording/absolute"}},
		{"number one", "agent", "销量全网第一", []string{"wording/absolute"}},
		{"full-width 100%", "agent", "１００％正品", []string{"wording/absolute"}},
		{"better take photos", "agent", "您最好先拍照留个底", []string{}},
		{"best to provide video", "agent", "最好能提供一下开箱视频", []string{}},
		{"first thing", "agent", "我们第一时间给您处理", []string{}},
		{"first purchase", "agent", "这是您第一次在我们家买吧", []string{}},
		{"fibre content", "agent", "这件是100%纯棉的", []string{}},
		{"wording only for agents", "buyer", "你家哪款最好", []string{}},
		{"the only way", "agent", "唯一的办法是退了重拍", []string{}},
		// not nudges: shipping questions and after-sale context
		{"when ships", "buyer", "什么时候能发货?", []string{"ask_shipping/when"}},
		{"days to arrive", "buyer", "几天能到上海", []string{"ask_shipping/when"}},
		{"ordered, ships today?", "buyer", "好的我拍了,今天能发吗", []string{"upsell/buy_intent", "ask_shipping/when"}},
		{"return", "buyer", "我想退货", []string{"after_sale/return"}},
		{"refund please", "buyer", "不想要了,退款吧", []string{"after_sale/return"}},
		{"return policy question", "buyer", "不合适可以退换吗", []string{}},
		{"received, may I return", "buyer", "收到了,能退货吗", []string{"after_sale/return"}},
		{"return blocks upsell", "buyer", "退货的运费谁出", []string{"after_sale/return"}},
		// nothing
		{"greeting", "buyer", "你好,在吗", []string{}},
		{"material question", "buyer", "这个杯子是陶瓷的吗", []string{}},
		// harm to the user (skin reactions, heat, smoke, swelling) is its own
		// category: stop using it comes first; spoiled goods are quality
		{"charger smells burnt", "buyer", "充电头插上没多久就有焦味", []string{"evidence/harm"}},
		{"heat asked about before buying", "buyer", "快充的时候会不会发烫", []string{}},
		{"rash after use", "buyer", "抹了面霜下巴起了一片红疹", []string{"evidence/harm"}},
		{"sore eyes", "buyer", "眼霜涂完眼皮好痛", []string{"evidence/harm"}},
		{"clumped", "buyer", "粉底液打开就结块了", []string{"evidence/quality"}},
		{"separated", "buyer", "精华放了一周就分层了", []string{"evidence/quality"}},
		{"a reaction asked about before buying", "buyer", "孕妇用了会不会红肿", []string{}},
		{"will it separate", "buyer", "这个会分层吗", []string{}},
		// what was sent, asked about, is still a complaint
		{"sent the wrong one, asked", "buyer", "寄来的是黑色 是不是发错了", []string{"evidence/wrong_item"}},
		// buying several together
		{"bundle asked", "buyer", "两样一起拍有没有套装", []string{"upsell/quantity"}},
		// chasing an order already placed: no buying intent
		{"chasing an order", "buyer", "前天拍的咋还没寄", []string{"after_sale/late"}},
		{"ordered long ago", "buyer", "上周就下单了 还不发", []string{"after_sale/late"}},
		// goods someone returned are a complaint about the goods, not a return
		{"resold return", "buyer", "包装是拆过的 肯定是别人用过退回来的", []string{"evidence/quality"}},
		{"a return asked for", "buyer", "不合适想退回去 怎么操作", []string{"after_sale/return"}},
		// issue 15: misses on real lines of another platform, in our own words
		{"order done, nothing came", "buyer", "订单都显示交易成功了,我根本没拿到东西", []string{"evidence/not_received"}},
		{"confirmed but not received", "buyer", "系统自动确认收货了,可我没收到", []string{"evidence/not_received"}},
		{"signed, parcel room cannot find it", "buyer", "驿站签收了,去取说找不到", []string{"evidence/not_received"}},
		{"not yet here is no complaint", "buyer", "我还没收到呢,到哪了", []string{}},
		{"defective goods", "buyer", "发来的是残次品", []string{"evidence/quality"}},
		{"a defect, is it?", "buyer", "收到的这个是次品吧", []string{"evidence/quality"}},
		{"defective? asked before buying", "buyer", "会不会是次品啊", []string{}},
		{"box fine, leaking inside", "buyer", "箱子外面好好的,里面的瓶子漏油了", []string{"evidence/quality"}},
		{"seeping oil", "buyer", "机油桶底下一直渗油", []string{"evidence/quality"}},
		{"cable will not charge", "buyer", "这根线插上去充不进去", []string{"evidence/quality"}},
		{"never fills", "buyer", "充电宝一晚上都充不满", []string{"evidence/quality"}},
		{"quality problem, exchange", "buyer", "耳机有质量问题,给我换一副", []string{"evidence/quality"}},
		{"quality problem asked", "buyer", "有质量问题包换吗", []string{}},
		{"open a dispute", "buyer", "不给处理我就开纠纷", []string{"evidence/intervention"}},
		{"arbitration", "buyer", "我已经申请仲裁了", []string{"evidence/intervention"}},
		{"screen blank", "buyer", "平板开机后屏幕一直黑屏", []string{"evidence/quality"}},
		{"display dead", "buyer", "手表充了电还是不显示", []string{"evidence/quality"}},
		{"loose cover", "buyer", "电池后盖松动,一碰就掉", []string{"evidence/quality"}},
		{"coating flakes", "buyer", "锅底的涂层脱落了", []string{"evidence/quality"}},
		{"I order", "buyer", "行,那我下单", []string{"upsell/buy_intent"}},
		{"I will not order", "buyer", "我不下单了", []string{}},
		{"want to buy one", "buyer", "我要买个移动电源", []string{"upsell/buy_intent"}},
		{"buying it outright", "buyer", "算了不等了,直接拍", []string{"upsell/buy_intent"}},
		{"how much off at most", "buyer", "这双鞋最多能减多少钱", []string{"upsell/bargain"}},
		{"how much cheaper", "buyer", "两件能便宜多少", []string{"upsell/quantity", "upsell/bargain"}},
		{"how big a promotion", "buyer", "双十一你们活动力度大吗", []string{"upsell/bargain"}},
		{"price of a quantity", "buyer", "4盒是不是88元", []string{"upsell/quantity"}},
		{"me too", "buyer", "那我也拍一个", []string{"upsell/buy_intent"}},
		{"typo for free shipping", "buyer", "这个包由吗", []string{"upsell/free_shipping"}},
		{"oil and water apart", "buyer", "乳液倒出来水是水油是油", []string{"evidence/quality"}},
		{"not even", "buyer", "粉底摇了半天还是不均匀", []string{"evidence/quality"}},
		// issue 15: words that mean something else
		{"message sent by mistake", "buyer", "不好意思,刚刚发错了", []string{}},
		{"picture sent by mistake", "buyer", "图片发错了,是这张", []string{}},
		{"wrong goods sent is still wrong", "buyer", "你们发错了,我要的是蓝色", []string{"evidence/wrong_item"}},
		{"own water pipe", "buyer", "家里水管爆了,这几天收不了件", []string{}},
		{"gift card expired", "buyer", "我的购物卡过期了还能用吗", []string{}},
		{"coupon expired", "buyer", "优惠券过期了", []string{"upsell/bargain"}},
		{"food expired is still quality", "buyer", "收到的牛奶已经过期了", []string{"evidence/quality"}},
		{"another shop's story", "buyer", "上回在别家买的瓶子碎了,你们包装结实点", []string{}},
		{"own fault", "buyer", "是我自己摔坏的,能买个配件吗", []string{}},
		{"the child broke it", "buyer", "孩子把遥控车摔断了", []string{}},
		{"taken back", "buyer", "刚才说少了一个,找到了", []string{}},
		{"not meant for you", "buyer", "发错了,那句不是问你的", []string{}},
		{"bought too many is no quantity question", "buyer", "买多了,退一盒", []string{}},
		// a free gift that did not come is a missing item, not a gift request
		{"where is the gift", "buyer", "我的赠品呢?", []string{"evidence/gift_missing"}},
		{"promised gift missing", "buyer", "说好送的杯垫没看到", []string{"evidence/gift_missing"}},
		{"gift not in the parcel", "buyer", "满减送的毛巾呢,箱子里没有", []string{"evidence/gift_missing"}},
		{"not even the sample", "buyer", "买了三瓶,小样都没有", []string{"evidence/gift_missing"}},
		{"no gift either", "buyer", "拆开看了,赠品也没有", []string{"evidence/gift_missing"}},
		{"asking for a gift is no complaint", "buyer", "有没有赠品啊", []string{"upsell/gift"}},
		{"any gift? is a gift question", "buyer", "有赠品没有", []string{"upsell/gift"}},
		// asking for cashback for a good review: the rule, not a review request
		{"cashback for a good review", "buyer", "给好评返现吗", []string{"policy/review_cashback"}},
		{"red packet for five stars", "buyer", "五星返多少", []string{"policy/review_cashback"}},
		{"good review, any red packet", "buyer", "好评了有红包吗", []string{"policy/review_cashback"}},
		{"empty", "buyer", "", []string{}},
		{"unknown role", "system", "少了一件", []string{}},
	}
	lex := Default()
	first := make([][]Cue, len(tests))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first[i] = lex.Detect(tt.role, tt.text)
			got := found(first[i])
			if !slices.Equal(got, tt.want) {
				t.Errorf("Detect(%s, %q) = %v, want %v", tt.role, tt.text, got, tt.want)
			}
		})
	}
	// Detectors are reused from one turn to the next: read backwards, each
	// line after other lengths, the cues and their words are the same, and
	// the first reading's cues did not change with the reuse.
	for i := len(tests) - 1; i >= 0; i-- {
		tt := tests[i]
		if again := lex.Detect(tt.role, tt.text); !reflect.DeepEqual(again, first[i]) {
			t.Errorf("Detect(%s, %q) read again after other lines = %+v, first %+v", tt.role, tt.text, again, first[i])
		}
	}
	for i, tt := range tests {
		if got := found(first[i]); !slices.Equal(got, tt.want) {
			t.Errorf("Detect(%s, %q) first = %v after later reads, want %v", tt.role, tt.text, got, tt.want)
		}
	}
}

// TestDetectWords pins the words the panel shows: the buyer's own text,
// traditional or full-width as typed, overlapping cue words joined.
func TestDetectWords(t *testing.T) {
	tests := []struct {
		name     string
		role     string
		text     string
		category string
		want     []string
	}{
		{"traditional kept", "buyer", "給我退款,不然給差評", "review_extortion", []string{"給我退款", "不然給差評"}},
		{"full-width kept", "buyer", "收到了，少了１件", "missing", []string{"少了１件"}},
		{"overlaps joined", "buyer", "能便宜点吗", "bargain", []string{"能便宜点"}},
		{"both parts of a pair", "buyer", "显示已签收,但是我没收到", "not_received", []string{"显示已签收", "没收到"}},
		{"chain as one stretch", "buyer", "不退款就差评", "review_extortion", []string{"不退款就差评"}},
		{"two places", "buyer", "盒子压坏了,杯子也碎了", "damaged", []string{"压坏了", "碎了"}},
	}
	lex := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range lex.Detect(tt.role, tt.text) {
				if c.Category == tt.category {
					if !slices.Equal(c.Words, tt.want) {
						t.Errorf("words = %q, want %q", c.Words, tt.want)
					}
					return
				}
			}
			t.Errorf("Detect(%q) has no %s cue", tt.text, tt.category)
		})
	}
}

func TestDetectUnpunctuatedChat(t *testing.T) {
	// Real chat often has no punctuation: the whole turn is one clause and
	// a 吗 anywhere makes it a question, which a reported fact turns back
	// into a complaint.
	lex := Default()
	if got := found(lex.Detect("buyer", "买回来一股味道是不是二手的吗")); !slices.Equal(got, []string{"evidence/quality"}) {
		t.Errorf("complaint with a fact = %v", got)
	}
	if got := found(lex.Detect("buyer", "这个鞋子是不是二手的吗")); len(got) != 0 {
		t.Errorf("bare question = %v, want nothing", got)
	}
}

func TestCategories(t *testing.T) {
	lex := Default()
	cats := lex.Categories()
	want := map[Kind][]string{
		Upsell:      {"bargain", "gift", "free_shipping", "quantity", "buy_intent"},
		Evidence:    {"missing", "wrong_item", "damaged", "not_received", "quality", "harm", "intervention", "review_extortion"},
		Admission:   {"early"},
		Wording:     {"absolute"},
		AskShipping: {"when"},
		AfterSale:   {"return", "upset", "late"},
	}
	for kind, names := range want {
		for _, name := range names {
			c, ok := lex.Category(kind, name)
			if !ok {
				t.Errorf("Category(%s, %s) missing", kind, name)
				continue
			}
			if c.Label == "" || c.Action == "" || len(c.Query) == 0 || len(c.Scenes) == 0 {
				t.Errorf("%s/%s lacks label, action, query or scenes: %+v", kind, name, c)
			}
		}
	}
	if len(cats) != 21 {
		t.Errorf("Categories() has %d, want 21", len(cats))
	}
	if c, _ := lex.Category(Evidence, "missing"); c.Label != "少件/漏发" || !strings.Contains(strings.Join(c.Query, " "), "漏发") {
		t.Errorf("missing = %+v", c)
	}
	if _, ok := lex.Category(Evidence, "nosuch"); ok {
		t.Error("Category found a category that does not exist")
	}
	if Default() != lex {
		t.Error("Default parses again on every call")
	}
}

// sentence is a typical 30-character buyer turn.
const sentence = "你好,我昨天收到的茶叶少了一盒,而且盒子压坏了,怎么处理?"

func BenchmarkDetect(b *testing.B) {
	lex := Default()
	for _, bc := range []struct{ name, role, text string }{
		{"complaint", "buyer", sentence},
		{"bargain", "buyer", "这款充电器两个一起买能便宜点吗,包邮吗"},
		{"agent", "agent", "亲,这款是我们店销量最好的,最好先拍照给我们看一下哦"},
		{"plain", "buyer", "你好在吗,这款有黑色的吗,尺码偏大还是偏小"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				lex.Detect(bc.role, bc.text)
			}
		})
	}
}

func TestUpsetBuyerIsNotAComplaintByItself(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"angry complaint", "气死我了,你们这什么破东西", []string{"after_sale/upset"}},
		{"upset but negated", "没有生气,不无语,就问问", nil},
		{"plain question", "这个杯子能进洗碗机吗", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range Default().Detect("buyer", tc.text) {
				if c.Kind == AfterSale {
					got = append(got, string(c.Kind)+"/"+c.Category)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("Detect(%q) after-sale cues = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}
