package kb

import (
	"strings"
	"time"
	"unicode/utf8"
)

// PersonalPhrase is a phrase an agent keeps for themselves in one shop:
// shown in their own search only, never suggested to anyone else.
type PersonalPhrase struct {
	ID        int64
	Shop      int64
	User      int64
	Title     string
	Text      string
	Code      string // short code, as for the shop's phrases; "" for none
	UpdatedAt time.Time
}

// Limits of a personal phrase, in characters.
const (
	MaxPersonalTitle = 40
	MaxPersonalText  = 500
)

// Validate says, in words an agent can act on, what is wrong with p.
func (p *PersonalPhrase) Validate() error {
	p.Title = strings.TrimSpace(p.Title)
	p.Text = strings.TrimSpace(p.Text)
	p.Code = strings.TrimSpace(p.Code)
	switch {
	case p.Text == "":
		return Errorf(EInvalid, "话术内容不能为空,请填写要发给买家的话 (text is required)")
	case utf8.RuneCountInString(p.Text) > MaxPersonalText:
		return Errorf(EInvalid, "话术内容最多 %d 个字,请缩短后再保存 (text is too long)", MaxPersonalText)
	case utf8.RuneCountInString(p.Title) > MaxPersonalTitle:
		return Errorf(EInvalid, "标题最多 %d 个字,请缩短后再保存 (title is too long)", MaxPersonalTitle)
	}
	if why := CheckCode(p.Code); why != "" {
		return Errorf(EInvalid, "短码 %q 不能用:不超过 %d 个字,不含空格和 / (code %s)", p.Code, MaxCode, why)
	}
	if p.Title == "" {
		r := []rune(p.Text)
		if len(r) > 12 {
			r = append(r[:12], '…')
		}
		p.Title = string(r)
	}
	return nil
}
