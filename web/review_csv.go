package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"assist/kb"
)

// The review's CSV exports: UTF-8 with a byte-order mark, so Excel (which
// managers open them in) reads the Chinese headers right.

func csvWriter(w http.ResponseWriter, name string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("\ufeff"))
	return csv.NewWriter(w)
}

func pct(r float64) string  { return strconv.FormatFloat(r*100, 'f', 1, 64) + "%" }
func secs(s float64) string { return strconv.FormatFloat(s, 'f', 1, 64) }
func yes(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func writeSuggestionsCSV(w http.ResponseWriter, rows []reviewSuggestionLine) error {
	c := csvWriter(w, "review-suggestions")
	head := []string{"类型", "ID", "名称", "场景", "展示", "使用", "使用率", "手打使用", "改动后使用", "关闭"}
	for _, sig := range rows0After(rows) {
		head = append(head, sig.Label+"(用后)", sig.Label+"(用后会话数)", sig.Label+"(未用)", sig.Label+"(未用会话数)")
	}
	c.Write(head)
	for _, r := range rows {
		line := []string{r.Kind, r.ID, r.Title, r.Scene, strconv.Itoa(r.Shown), strconv.Itoa(r.Used), pct(r.UseRate),
			strconv.Itoa(r.Typed), strconv.Itoa(r.Edited), strconv.Itoa(r.Dismissed)}
		for _, a := range r.After {
			line = append(line, strconv.Itoa(a.UsedWith), strconv.Itoa(a.Used), strconv.Itoa(a.UnusedWith), strconv.Itoa(a.Unused))
		}
		c.Write(line)
	}
	c.Flush()
	return nil
}

// rows0After is the signal columns, named even when there are no rows.
func rows0After(rows []reviewSuggestionLine) []afterLine {
	if len(rows) > 0 {
		return rows[0].After
	}
	var out []afterLine
	for _, sig := range []string{"付款", "取消订单", "申请退款", "平台介入", "介入判卖家胜", "介入判买家胜", "好评", "差评"} {
		out = append(out, afterLine{Label: sig})
	}
	return out
}

func writeAgentsCSV(w http.ResponseWriter, rows []reviewAgentLine) error {
	c := csvWriter(w, "review-agents")
	c.Write([]string{"客服", "周", "咨询数", "回复数", "回复率", "转化数", "咨询转化率", "付款订单", "付款金额(元)",
		"首响(秒)", "均响(秒)", "质检会话", "质检均分", "超时效承诺", "举证前认责", "广告法用语", "议价直接降价", "无问候", "无结束语"})
	for _, r := range rows {
		c.Write([]string{r.Agent, r.Week, strconv.Itoa(r.Consultations), strconv.Itoa(r.Replied), pct(r.ReplyRate),
			strconv.Itoa(r.Converted), pct(r.ConversionRate), strconv.Itoa(r.PaidOrders), r.PaidAmount,
			secs(r.FirstResponse), secs(r.AvgResponse), strconv.Itoa(r.Checked), strconv.FormatFloat(r.AvgScore, 'f', 1, 64),
			strconv.Itoa(r.Promise), strconv.Itoa(r.Admission), strconv.Itoa(r.Wording), strconv.Itoa(r.Discount),
			strconv.Itoa(r.NoGreeting), strconv.Itoa(r.NoClosing)})
	}
	c.Flush()
	return nil
}

func writeConversationsCSV(w http.ResponseWriter, rows []reviewConversationLine) error {
	c := csvWriter(w, "review-conversations")
	c.Write([]string{"会话", "客服", "周", "日期", "商品", "已回复", "已转化", "付款金额(元)", "首响(秒)", "均响(秒)", "质检分", "质检问题"})
	for _, r := range rows {
		score := ""
		if r.Checked {
			score = strconv.Itoa(r.Score)
		}
		c.Write([]string{r.Conversation, r.Agent, r.Week, r.Day, r.Product, yes(r.Replied), yes(r.Converted), r.PaidAmount,
			secs(r.FirstResponse), secs(r.AvgResponse), score, strings.Join(r.Problems, "、")})
	}
	c.Flush()
	return nil
}

func writeTurnsCSV(w http.ResponseWriter, id string, turns []reviewTurnLine, outcomes []kb.Outcome) error {
	c := csvWriter(w, "review-conversation-"+id)
	c.Write([]string{"轮次", "角色", "时间", "内容", "提醒", "推荐话术", "已使用", "已关闭"})
	for _, t := range turns {
		var nudges, phrases, used, dismissed []string
		if s := t.Suggestions; s != nil {
			for _, n := range s.Nudges {
				nudges = append(nudges, NudgeID(n))
			}
			for _, p := range s.Phrases {
				phrases = append(phrases, p.ID)
			}
		}
		for _, u := range t.Used {
			how := "点击"
			if u.Typed {
				how = "手打"
			}
			if u.Edited {
				how += "(改动)"
			}
			used = append(used, u.Kind+":"+u.ID+" "+how+" "+u.Agent)
		}
		for _, u := range t.Dismissed {
			dismissed = append(dismissed, u.Kind+":"+u.ID+" "+u.Agent)
		}
		c.Write([]string{strconv.Itoa(t.Turn), t.Role, t.At.Format("2006-01-02 15:04:05"), t.Text,
			strings.Join(nudges, "、"), strings.Join(phrases, "、"), strings.Join(used, "、"), strings.Join(dismissed, "、")})
	}
	c.Write(nil)
	c.Write([]string{"结果ID", "类型", "时间", "订单", "金额(元)", "结果", "评价"})
	for _, o := range outcomes {
		c.Write([]string{o.ID, string(o.Kind), o.At.Format("2006-01-02 15:04:05"), o.Order, o.Amount.String(), o.Result, string(o.Rating)})
	}
	c.Flush()
	return nil
}
