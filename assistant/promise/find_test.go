package promise

import (
	"testing"
	"time"
)

// TestFind pins the time grammar: what each expression parses to.
func TestFind(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		now        time.Time
		kind       Kind
		words      string
		deadline   string // "01-02 15:04"
		hedged     bool
		guaranteed bool
		condition  string
		condBy     string // "01-02 15:04", "" for none
	}{
		{"tomorrow", "明天肯定给您寄出", wedMorning, Ship, "明天肯定给您寄出", "03-13 00:00", false, true, "", ""},
		{"today, ideographic", "今日发货", wedMorning, Ship, "今日发货", "03-12 00:00", false, false, "", ""},
		{"tonight", "今晚发走", wedMorning, Ship, "今晚发走", "03-12 00:00", false, false, "", ""},
		{"the day after tomorrow", "后天出库", wedMorning, Ship, "后天出库", "03-14 00:00", false, false, "", ""},
		{"three days on", "大后天揽收", wedMorning, Ship, "大后天揽收", "03-15 00:00", false, false, "", ""},
		{"afternoon with hour", "下午5点发货", wedMorning, Ship, "下午5点发货", "03-11 17:00", false, false, "", ""},
		{"bare hour read as p.m.", "5点前发货", wedMorning, Ship, "5点前发货", "03-11 17:00", false, false, "", ""},
		{"24-hour clock", "17:00前发货", wedMorning, Ship, "17:00前发货", "03-11 17:00", false, false, "", ""},
		{"evening half past", "晚上8点半寄出", wedMorning, Ship, "晚上8点半寄出", "03-11 20:30", false, false, "", ""},
		{"minutes after 点", "晚上7点45分前发出", wedMorning, Ship, "晚上7点45分前发出", "03-11 19:45", false, false, "", ""},
		{"noon", "中午前发货", wedMorning, Ship, "中午前发货", "03-11 12:00", false, false, "", ""},
		{"afternoon said in the evening is tomorrow's", "下午给您发出", wedEvening, Ship, "下午给您发出", "03-12 18:00", false, false, "", ""},
		{"morning hour already past is the evening one", "9点前发出", at("03-11 10:00"), Ship, "9点前发出", "03-11 21:00", false, false, "", ""},
		{"a little earlier is not one o'clock", "明天早一点发货", wedMorning, Ship, "明天早一点发货", "03-13 00:00", false, false, "", ""},
		{"Friday", "星期五发货", wedMorning, Ship, "星期五发货", "03-14 00:00", false, false, "", ""},
		{"Friday, 礼拜", "礼拜五发货", wedMorning, Ship, "礼拜五发货", "03-14 00:00", false, false, "", ""},
		{"Friday on a Friday is today", "周五发货", friEvening, Ship, "周五发货", "03-14 00:00", false, false, "", ""},
		{"next Friday", "下周五发货", wedMorning, Ship, "下周五发货", "03-21 00:00", false, false, "", ""},
		{"Sunday", "礼拜天发货", wedMorning, Ship, "礼拜天发货", "03-16 00:00", false, false, "", ""},
		{"next week", "下周发货", wedMorning, Ship, "下周发货", "03-23 00:00", false, false, "", ""},
		{"one week", "一周内发货", wedMorning, Ship, "一周内发货", "03-18 09:30", false, false, "", ""},
		{"month and day", "12月3日前发货", wedMorning, Ship, "12月3日前发货", "12-04 00:00", false, false, "", ""},
		{"day of month this month", "20号发货", wedMorning, Ship, "20号发货", "03-21 00:00", false, false, "", ""},
		{"no such day", "2月30日发货", wedMorning, "", "", "", false, false, "", ""},
		{"half an hour", "半小时内发出", wedMorning, Ship, "半小时内发出", "03-11 10:00", false, false, "", ""},
		{"an hour and a half", "一个半小时内发出", wedMorning, Ship, "一个半小时内发出", "03-11 11:00", false, false, "", ""},
		{"a range takes its upper end", "两三天内发货", wedMorning, Ship, "两三天内发货", "03-14 09:30", false, false, "", ""},
		{"fifteen", "十五天内发货", wedMorning, Ship, "十五天内发货", "03-26 09:30", false, false, "", ""},
		{"hours with h", "48h内发货", wedMorning, Ship, "48h内发货", "03-13 09:30", false, false, "", ""},
		{"working days over a weekend", "两个工作日内发出", friEvening, Ship, "两个工作日内发出", "03-18 00:00", false, false, "", ""},
		{"right away", "马上给您发", wedMorning, Ship, "马上给您发", "03-11 10:30", false, false, "", ""},
		{"now", "现在就给您安排发货", wedMorning, Ship, "现在就给您安排发货", "03-11 10:30", false, false, "", ""},
		{"after payment", "付款后24小时内发出", wedMorning, Ship, "付款后24小时内发出", "03-12 09:30", false, false, "", ""},
		{"after shipping", "发货后3天内送达", wedMorning, Deliver, "发货后3天内送达", "03-14 09:30", false, false, "", ""},
		{"verb before time", "发货时间是后天", wedMorning, Ship, "发货时间是后天", "03-14 00:00", false, false, "", ""},
		{"reach a city", "明天能到上海", wedMorning, Deliver, "明天能到", "03-13 00:00", false, false, "", ""},
		{"in your hands", "后天就到您手上", wedMorning, Deliver, "后天就到", "03-14 00:00", false, false, "", ""},
		{"condition with pay time", "下午4点前拍下当天发货", wedMorning, Ship, "当天发货", "03-12 00:00", false, false, "下午4点前拍下", "03-11 16:00"},
		{"condition already past rolls to tomorrow", "16点前付款当天发货", wedEvening, Ship, "当天发货", "03-13 00:00", false, false, "16点前付款", "03-12 16:00"},
		{"condition today, ship tomorrow", "今天下单明天发", wedMorning, Ship, "明天发", "03-13 00:00", false, false, "今天下单", "03-12 00:00"},
		{"pay word gives its tail to a daypart", "12点前拍下午就绣好寄出", wedMorning, Ship, "下午就绣好寄出", "03-11 18:00", false, false, "12点前拍", "03-11 12:00"},
		{"pay word gives its tail to before leaving work", "上午拍下班前发", wedMorning, Ship, "下班前发", "03-11 18:00", false, false, "上午拍", "03-11 12:00"},
		{"hedge word gives its tail to a daypart", "基本上午就能发出", at("03-11 08:00"), Ship, "基本上午就能发出", "03-11 12:00", true, false, "", ""},
		{"a lapsed time is not the promise", "今天打包的时间已经过了，明早尽量给您寄出", wedEvening, Ship, "明早尽量给您寄出", "03-12 10:00", true, false, "", ""},
		{"a lapse word with the past in it", "已过今天的截单时间，后天寄出", wedEvening, Ship, "后天寄出", "03-14 00:00", false, false, "", ""},
		{"time and hedge in the clause before", "预计明天上午，给您发出", wedMorning, Ship, "预计明天上午，给您发出", "03-12 12:00", true, false, "", ""},
		{"condition after a time", "16点后付款次日发出", wedMorning, Ship, "次日发出", "03-13 00:00", false, false, "16点后付款", "03-11 16:00"},
		{"hedge", "预计后天发出", wedMorning, Ship, "预计后天发出", "03-14 00:00", true, false, "", ""},
		{"about", "大概3天左右到", wedMorning, Deliver, "大概3天左右到", "03-14 09:30", true, false, "", ""},
		{"courier decides", "明天到，具体以快递为准", wedMorning, Deliver, "明天到", "03-13 00:00", true, false, "", ""},
		{"courier decides, after a full stop", "明天就到。具体以物流为准", wedMorning, Deliver, "明天就到", "03-13 00:00", true, false, "", ""},
		{"at the latest", "最迟后天发出", wedMorning, Ship, "最迟后天发出", "03-14 00:00", false, true, "", ""},
		{"not shipped is not a promise", "超过48小时未发货可以申请赔付", wedMorning, "", "", "", false, false, "", ""},
		{"hundred percent", "百分百明天发货", wedMorning, Ship, "百分百明天发货", "03-13 00:00", false, true, "", ""},
		{"full-width digits", "４８小时内发货", wedMorning, Ship, "４８小时内发货", "03-13 09:30", false, false, "", ""},
		{"traditional", "明天一定給您寄出", wedMorning, Ship, "明天一定給您寄出", "03-13 00:00", false, true, "", ""},
	}
	c := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := c.Find(tt.text, tt.now, shanghai)
			if tt.kind == "" {
				if len(ps) != 0 {
					t.Fatalf("Find(%q) = %+v, want nothing", tt.text, ps)
				}
				return
			}
			if len(ps) != 1 {
				t.Fatalf("Find(%q) found %d promises %+v, want 1", tt.text, len(ps), ps)
			}
			p := ps[0]
			if p.Kind != tt.kind || p.Words != tt.words {
				t.Errorf("got %s %q, want %s %q", p.Kind, p.Words, tt.kind, tt.words)
			}
			if got := p.Deadline.In(shanghai).Format("01-02 15:04"); got != tt.deadline {
				t.Errorf("deadline = %s, want %s", got, tt.deadline)
			}
			if p.Hedged != tt.hedged || p.Guaranteed != tt.guaranteed {
				t.Errorf("hedged, guaranteed = %v, %v, want %v, %v", p.Hedged, p.Guaranteed, tt.hedged, tt.guaranteed)
			}
			if p.Condition != tt.condition {
				t.Errorf("condition = %q, want %q", p.Condition, tt.condition)
			}
			gotBy := ""
			if !p.ConditionBy.IsZero() {
				gotBy = p.ConditionBy.In(shanghai).Format("01-02 15:04")
			}
			if gotBy != tt.condBy {
				t.Errorf("condition by = %q, want %q", gotBy, tt.condBy)
			}
		})
	}
}

func TestChineseNumber(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"one", "一", 1},
		{"two, colloquial", "两", 2},
		{"ten", "十", 10},
		{"fifteen", "十五", 15},
		{"twenty-four", "二十四", 24},
		{"seventy-two", "七十二", 72},
		{"three hundred sixty", "三百六十", 360},
		{"range one or two", "一两", 2},
		{"range two or three", "两三", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := chineseNumber([]rune(tt.in), 0)
			if tk.a != tt.want || tk.end != len([]rune(tt.in)) {
				t.Errorf("chineseNumber(%q) = %d over %d runes, want %d", tt.in, tk.a, tk.end, tt.want)
			}
		})
	}
}
