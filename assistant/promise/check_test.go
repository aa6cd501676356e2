package promise

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var shanghai = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// A minimal image may lack tzdata; the rules only need a fixed +8.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// at is a wall-clock time in the shop's zone: at("03-11 09:30").
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-"+s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// The clock times the table plays: Wednesday morning, either side of a
// 16:00 cutoff, Wednesday evening, and Friday evening before a weekend.
var (
	wedMorning = at("03-11 09:30")
	wed1559    = at("03-11 15:59")
	wed1600    = at("03-11 16:00")
	wed1601    = at("03-11 16:01")
	wedEvening = at("03-11 20:30")
	friEvening = at("03-13 20:30")
)

var cutoff16 = &Clock{Hour: 16}

// The products the table sells.
var (
	charger24 = Terms{ShipWithinHours: 24, Cutoff: cutoff16, Location: shanghai}                    // phone charger
	sneaker48 = Terms{ShipWithinHours: 48, Cutoff: cutoff16, Location: shanghai}                    // running shoes
	engrave72 = Terms{ShipWithinHours: 72, MadeToOrder: true, Cutoff: cutoff16, Location: shanghai} // 刻字 thermos
	newTea360 = Terms{ShipWithinHours: 360, PreSale: true, Cutoff: cutoff16, Location: shanghai}    // 预售 spring tea
	suit168   = Terms{ShipWithinHours: 168, Cutoff: cutoff16, Location: shanghai}                   // tailored suit
	noCut24   = Terms{ShipWithinHours: 24, Location: shanghai}                                      // shop with no cutoff
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		terms    Terms
		now      time.Time
		want     []bool // OK per promise found; empty: no promise
		deadline string // first promise's deadline, "01-02 15:04" in the shop's zone; "" not checked
	}{
		// same-day promises around the 16:00 cutoff on a 24h product
		{"same day, morning", "亲，充电器今天肯定给您寄出", charger24, wedMorning, []bool{true}, "03-12 00:00"},
		{"same day, 15:59", "亲，充电器今天肯定给您寄出", charger24, wed1559, []bool{true}, "03-12 00:00"},
		{"same day, 16:00 is the cutoff itself", "亲，充电器今天肯定给您寄出", charger24, wed1600, []bool{false}, ""},
		{"same day, 16:01", "亲，充电器今天肯定给您寄出", charger24, wed1601, []bool{false}, ""},
		{"same day, evening", "今晚保证发货", charger24, wedEvening, []bool{false}, "03-12 00:00"},
		{"same day on a 48h product", "亲，鞋子今天肯定给您寄出", sneaker48, wedMorning, []bool{false}, ""},
		{"same day with no cutoff", "今天给您发货", noCut24, wedMorning, []bool{false}, ""},
		{"afternoon clock before cutoff", "下午5点前给您发出", charger24, wedMorning, []bool{true}, "03-11 17:00"},
		{"evening clock with half hour", "晚上8点半前给您发出", charger24, wedMorning, []bool{true}, "03-11 20:30"},
		{"evening clock after cutoff", "晚上8点半前给您发出", charger24, wed1601, []bool{false}, ""},
		{"this morning is faster than same day", "今天上午给您发出", charger24, at("03-11 08:00"), []bool{false}, "03-11 12:00"},
		{"before leaving work", "下班前给您发货", charger24, wedMorning, []bool{true}, "03-11 18:00"},
		{"tomorrow on a 24h product", "发货时间是明天", charger24, wedEvening, []bool{true}, "03-13 00:00"},
		{"tomorrow on a 48h product", "明天给您发出", sneaker48, wedMorning, []bool{false}, "03-13 00:00"},
		{"tomorrow morning is faster than 24h", "明早给您发出", charger24, wedEvening, []bool{false}, "03-12 10:00"},

		// conditional payment-time forms
		{"pay before cutoff, same day", "充电器下午4点前付款，当天给您发出", charger24, wedMorning, []bool{true}, "03-12 00:00"},
		{"pay before cutoff said after it", "充电器16点前拍下当天就寄出", charger24, wedEvening, []bool{true}, "03-13 00:00"},
		{"pay before a time past the cutoff", "晚上8点前付款，当天给您发货", charger24, wedMorning, []bool{false}, ""},
		{"pay now, before cutoff", "现在下单今天就能寄出", charger24, wed1559, []bool{true}, ""},
		{"pay now, after cutoff", "现在下单今天就能寄出", charger24, wed1601, []bool{false}, ""},
		{"pay after cutoff ships next day", "16点后付款次日发出", charger24, wedMorning, []bool{true}, "03-13 00:00"},
		{"pay after cutoff cannot ship same day", "16点以后付款当天发", charger24, wedMorning, []bool{false}, ""},
		{"same-day condition on a 48h product", "下午4点前付款当天发", sneaker48, wedMorning, []bool{false}, ""},

		// windows
		{"48h promise on a 48h product", "付款后48小时内寄出哦", sneaker48, wedEvening, []bool{true}, "03-13 20:30"},
		{"24h promise on a 48h product", "付款后24小时内寄出哦", sneaker48, wedEvening, []bool{false}, "03-12 20:30"},
		{"48h promise on a 24h product", "48小时内发货", charger24, wedMorning, []bool{true}, ""},
		{"chinese numerals, 24 hours", "二十四小时内发出", charger24, wedMorning, []bool{true}, "03-12 09:30"},
		{"two hours is faster", "两小时内发出", charger24, wedMorning, []bool{false}, "03-11 11:30"},
		{"one hour is faster", "一个小时内给您发出", charger24, wedMorning, []bool{false}, "03-11 10:30"},
		{"half an hour", "半小时内一定发出去", charger24, at("03-11 15:00"), []bool{false}, "03-11 15:30"},
		{"right away, twice", "立刻给您发，二十分钟内肯定发走", charger24, wedMorning, []bool{false, false}, "03-11 10:30"},
		{"right away on its own", "这就给您发货", charger24, wedMorning, []bool{false}, ""},
		{"seven days on a 168h product", "7天内发货", suit168, wedMorning, []bool{true}, "03-18 09:30"},
		{"five days on a 168h product", "五天内发货", suit168, wedMorning, []bool{false}, ""},
		{"Friday evening on a 24h product", "周五晚上8点半前发出", charger24, wedMorning, []bool{true}, "03-13 20:30"},
		{"before Friday on a 48h product", "周五前给您发出", sneaker48, wedMorning, []bool{true}, "03-14 00:00"},
		{"day of month", "12号前发货", charger24, wedMorning, []bool{true}, "03-13 00:00"},
		{"day of month is too soon for 48h", "12号前发货", sneaker48, wedMorning, []bool{false}, ""},
		{"day of month already past means next month", "3号发出", charger24, wedMorning, []bool{true}, "04-04 00:00"},

		// working days from a Friday evening skip the weekend
		{"one working day from Friday", "1个工作日内发出", charger24, friEvening, []bool{true}, "03-17 00:00"},
		{"three working days from Friday", "3个工作日内发货", sneaker48, friEvening, []bool{true}, "03-19 00:00"},
		{"two working days is under a week", "两个工作日内发货", suit168, friEvening, []bool{false}, "03-18 00:00"},
		{"next Monday from Friday", "下周一前发出", charger24, friEvening, []bool{true}, "03-17 00:00"},

		// pre-sale and made-to-order
		{"pre-sale within its window", "十五天内发货，按付款顺序安排", newTea360, wedMorning, []bool{true}, "03-26 09:30"},
		{"pre-sale promised in a week", "付款后7天内发货", newTea360, wedMorning, []bool{false}, ""},
		{"pre-sale promised tomorrow", "新茶明天肯定给您寄出", newTea360, wedMorning, []bool{false}, ""},
		{"pre-sale by a date", "3月20日前发货", newTea360, wedMorning, []bool{false}, "03-21 00:00"},
		{"made to order, this afternoon", "可以刻字的，今天下午就给您发出", engrave72, wedMorning, []bool{false}, "03-11 18:00"},
		{"made to order, within window", "刻字后三天内给您发出", engrave72, wedMorning, []bool{true}, ""},
		{"made to order, 72h", "付款后72小时内发货", engrave72, wedMorning, []bool{true}, ""},

		// delivery is the courier's
		{"guaranteed delivery date", "亲，保证大后天能到杭州", charger24, wedMorning, []bool{false}, "03-15 00:00"},
		{"plain delivery date", "后天就能收到", charger24, wedMorning, []bool{false}, ""},
		{"delivery by a date", "十二月三号前送到", charger24, wedMorning, []bool{false}, "12-04 00:00"},
		{"ship ok, delivery hedged by courier", "付款后48小时内寄出，到货时间以物流为准", sneaker48, wedMorning, []bool{true}, ""},
		{"ship and a hedged delivery", "今天发出，预计后天到", charger24, wedMorning, []bool{true, true}, ""},
		{"ship and a bare delivery", "今天发出，后天就能到", charger24, wedMorning, []bool{true, false}, ""},
		{"usually arrives", "一般明天就能到", charger24, wedMorning, []bool{true}, ""},
		{"estimate made a guarantee", "预计明天一定到", charger24, wedMorning, []bool{false}, ""},

		// hedges
		{"try today", "尽量今天给您寄出", sneaker48, wedEvening, []bool{true}, ""},
		{"strive tomorrow on pre-sale", "争取明天发货", newTea360, wedMorning, []bool{true}, ""},
		{"lead-in hedge", "正常情况下，明天就能发出", sneaker48, wedMorning, []bool{true}, ""},

		// not promises
		{"question quoted from the buyer", "现在下单今天能寄出吗?", charger24, wedMorning, nil, ""},
		{"question asking consent", "您看明天发货可以吗", charger24, wedMorning, nil, ""},
		{"negated delivery", "不能保证明天到", charger24, wedMorning, nil, ""},
		{"cannot promise", "没法承诺今天发", charger24, wedMorning, nil, ""},
		{"past with yesterday", "昨天已经寄出了", charger24, wedMorning, nil, ""},
		{"past without a time", "已经发货了，明天应该能到", charger24, wedMorning, []bool{true}, ""},
		{"no time at all", "好的，我们尽快安排发货", charger24, wedMorning, nil, ""},
		{"invoice is not shipping", "发票明天开给您", charger24, wedMorning, nil, ""},
		{"a range of times is not arriving", "客服在线时间是早上9点到晚上10点", charger24, wedMorning, nil, ""},
		{"negation then promise", "今天发不了了，明天一定发出", charger24, wed1601, []bool{true}, "03-13 00:00"},

		// words that look like promises but are not, or are less than they look
		{"first moment is not one o'clock", "下单后我们会第一时间安排发货", charger24, wedMorning, nil, ""},
		{"at the earliest is not a deadline", "最快明天发出", sneaker48, wedMorning, []bool{true}, ""},
		{"tracking says", "物流显示明天送达", charger24, wedMorning, []bool{true}, ""},
		{"next-day courier service", "顺丰次日达", charger24, wedMorning, []bool{false}, ""},
		{"already rushed, ships tomorrow", "已经帮您加急明天发出", charger24, wedMorning, []bool{true}, "03-13 00:00"},
		{"order today ship today, any hour", "当天下单当天发", charger24, wedMorning, []bool{false}, ""},
		{"order this morning ship today", "今天上午下单当天发", charger24, wedMorning, []bool{true}, ""},
		{"two conditions, two promises", "16点前付款当天发，16点后付款次日发", charger24, wedMorning, []bool{true, true}, "03-12 00:00"},
		{"warehouse closed on the weekend", "明天是周末，仓库不发货", charger24, friEvening, nil, ""},

		// A word that is not about time gives up its tail to an overlapping
		// time word (拍下午 is 拍 + 下午), so a pay-time condition glued to
		// the promise no longer hides it; words between the time and the
		// ship verb (就绣好, 就做好, 就改好) do not matter.
		{"made to order, noon condition glued to this afternoon", "没问题，12点前拍下午就绣好寄出", engrave72, at("03-11 11:00"), []bool{false}, "03-11 18:00"},
		{"made to order, pay now, this afternoon", "好的 现在拍下午就做好给您发", engrave72, wedMorning, []bool{false}, "03-11 18:00"},
		{"made to order, morning condition, before leaving work", "上午拍下班前就改好寄出", engrave72, wedMorning, []bool{false}, "03-11 18:00"},
		{"made to order, work words before the verb", "今晚就刻完给您发货", engrave72, wedMorning, []bool{false}, "03-12 00:00"},
		{"made to order, work words in a later clause", "今天下午，名字绣好就给您寄出", engrave72, wedMorning, []bool{false}, "03-11 18:00"},
		{"glued condition before cutoff on a 24h product", "12点前拍下午就给您寄出", charger24, wedMorning, []bool{true}, "03-11 18:00"},
		{"glued pay-now after cutoff on a 24h product", "现在拍下午就发", charger24, wed1601, []bool{false}, "03-11 18:00"},
		{"hedge word gives its tail to the morning", "基本上午就能发出", charger24, at("03-11 08:00"), []bool{true}, "03-11 12:00"},
		{"拍下 kept when no time word runs past it", "拍下周五前发货", sneaker48, wedMorning, []bool{true}, "03-14 00:00"},

		// A clause saying a time is over (已过, 已经过了, 错过) tells, it does
		// not promise; a hedge anywhere before the time in its clause hedges it.
		{"cutoff passed, hedged tomorrow morning", "今天寄出的截止时间已经过了，明早尽量给您寄出", charger24, wedEvening, []bool{true}, "03-12 10:00"},
		{"shipping time passed, hedge before the time", "不好意思，今天发货的时间已过，帮您备注争取明天上午发出", charger24, wedEvening, []bool{true}, "03-12 12:00"},
		{"already past today's shipping time, tomorrow", "已经过了今天的发货时间，明天一定帮您寄出", charger24, wedEvening, []bool{true}, "03-13 00:00"},
		{"passed and tomorrow in one clause", "今天的发货时间已过明天给您发出", charger24, wedEvening, []bool{true}, "03-13 00:00"},
		{"missed, nothing promised", "今天的发货已经错过了", charger24, wedEvening, nil, ""},
		{"past the hour, bare tomorrow morning still faster than 24h", "今天已经过点了，明早给您发出", charger24, wedEvening, []bool{false}, "03-12 10:00"},
		{"passed, but made to order cannot ship tomorrow", "今天的发货时间已过，明天给您发出", engrave72, wedEvening, []bool{false}, "03-13 00:00"},
		{"hedge far before the time", "我跟仓库说一下尽量明早给您发出", charger24, wedEvening, []bool{true}, "03-12 10:00"},
		{"same words without the hedge", "我跟仓库说一下明早给您发出", charger24, wedEvening, []bool{false}, "03-12 10:00"},
		{"过了 after a check is no lapse", "质检过了今天就给您发出", charger24, wedMorning, []bool{true}, "03-12 00:00"},
		{"过了 naming a starting time", "过了4点付款明天发", charger24, wedMorning, []bool{true}, "03-13 00:00"},
		{"过了 leading into its own time keeps the earlier promise", "今天下午给您发出 过了5点就排到明天了", charger24, wedMorning, []bool{true}, "03-11 18:00"},
		{"denied lapse", "不会错过今天的发货时间，下午给您发出", charger24, wedMorning, []bool{true, true}, "03-12 00:00"},
		{"lapse word after a guaranteed promise", "明天一定发出，不会错过活动", sneaker48, wedMorning, []bool{false}, "03-13 00:00"},

		// folding: traditional Chinese and full-width digits. The traditional
		// rows need kb/fold's generated table (kb/fold/table.go).
		{"full-width clock before cutoff", "１７：００前发货", charger24, wed1559, []bool{true}, "03-11 17:00"},
		{"full-width clock after cutoff", "１７：００前发货", charger24, wed1601, []bool{false}, ""},
		{"traditional, pre-sale guaranteed", "新茶明天一定給您發出", newTea360, wedMorning, []bool{false}, ""},
		{"traditional, within window", "付款後48小時內發出", sneaker48, wedMorning, []bool{true}, ""},
		{"traditional, hedged delivery", "預計後天到貨", charger24, wedMorning, []bool{true}, ""},
		{"traditional, week prefix kept by the fold table", "週五前發貨", sneaker48, wedMorning, []bool{true}, "03-14 00:00"},
	}
	c := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := c.Check(tt.text, tt.now, tt.terms)
			if len(vs) != len(tt.want) {
				t.Fatalf("Check(%q) found %d promises %v, want %d", tt.text, len(vs), describe(vs), len(tt.want))
			}
			for i, v := range vs {
				if v.OK != tt.want[i] {
					t.Errorf("promise %q: OK = %v, want %v (reason %q)", v.Promise.Words, v.OK, tt.want[i], v.Reason)
				}
				if v.Reason == "" {
					t.Errorf("promise %q has no reason", v.Promise.Words)
				}
			}
			if tt.deadline != "" {
				if got := vs[0].Promise.Deadline.In(shanghai).Format("01-02 15:04"); got != tt.deadline {
					t.Errorf("deadline of %q = %s, want %s", vs[0].Promise.Words, got, tt.deadline)
				}
			}
		})
	}
}

// FuzzCheck feeds arbitrary text: the checker must not panic, and every
// promise it reports quotes words that are in the text.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"下午4点前付款，当天给您发出", "１７：００前發貨", "周一到周五9点到18点", "十二月三十一号前", "一个半小时", "下周", "到"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range Default().Check(s, wedMorning, charger24) {
			if !utf8.ValidString(s) {
				continue // invalid bytes are read as U+FFFD
			}
			if !strings.Contains(s, v.Promise.Words) || v.Promise.Words == "" {
				t.Errorf("words %q not in %q", v.Promise.Words, s)
			}
		}
	})
}

func describe(vs []Verdict) []string {
	var out []string
	for _, v := range vs {
		out = append(out, string(v.Promise.Kind)+":"+v.Promise.Words)
	}
	return out
}

// TestCheckReasons pins the line an agent reads.
func TestCheckReasons(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		terms Terms
		now   time.Time
		want  []string // substrings of the reason
	}{
		{"window", "今天下午就给您发出", Terms{ShipWithinHours: 72, Cutoff: cutoff16, Location: shanghai}, wedMorning,
			[]string{"付款后72小时内发货", "“今天下午就给您发出”", "超出了发货时效"}},
		{"pre-sale in days", "明天给您发货", newTea360, wedMorning, []string{"预售", "15天", "“明天给您发货”"}},
		{"after cutoff", "今天保证发货", charger24, wed1601, []string{"16:00", "截单", "“今天保证发货”"}},
		{"condition after cutoff", "晚上8点前付款当天发", charger24, wedMorning, []string{"“晚上8点前付款”", "截单"}},
		{"delivery", "保证大后天能到杭州", charger24, wedMorning, []string{"快递", "“保证大后天能到”"}},
		{"hedge names its word", "尽量今天给您寄出", sneaker48, wedMorning, []string{"“尽量”"}},
		{"made to order under a glued condition", "12点前拍下午就绣好寄出", engrave72, wedMorning,
			[]string{"定制", "72小时", "“下午就绣好寄出”"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := Default().Check(tt.text, tt.now, tt.terms)
			if len(vs) != 1 {
				t.Fatalf("Check(%q) = %v, want one verdict", tt.text, describe(vs))
			}
			for _, w := range tt.want {
				if !strings.Contains(vs[0].Reason, w) {
					t.Errorf("reason %q lacks %q", vs[0].Reason, w)
				}
			}
		})
	}
}

func BenchmarkCheck(b *testing.B) {
	c := Default()
	text := "亲，充电器下午4点前付款当天就给您寄出，到货时间以物流为准哦"
	b.ReportAllocs()
	for b.Loop() {
		if len(c.Check(text, wedMorning, charger24)) != 1 {
			b.Fatal("want one promise")
		}
	}
}

func BenchmarkCheckNoPromise(b *testing.B) {
	c := Default()
	text := "亲，这款充电器支持20W快充，苹果安卓都能用，有什么问题随时找我哦"
	b.ReportAllocs()
	for b.Loop() {
		if len(c.Check(text, wedMorning, charger24)) != 0 {
			b.Fatal("want no promise")
		}
	}
}

func BenchmarkCheckLongTurn(b *testing.B) {
	c := Default()
	text := "亲，您好！这款运动鞋是现货，下午4点前付款当天就给您寄出，4点以后付款次日发出。" +
		"发货后一般两三天能到，偏远地区会慢一点，具体到货时间以物流为准哦~有什么问题随时找我。"
	b.ReportAllocs()
	for b.Loop() {
		if len(c.Check(text, wedMorning, charger24)) != 3 {
			b.Fatal("want three promises")
		}
	}
}
