package law

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The two layouts of the texts shipped: a 【key】value header closed by
// 正文开始 (the .txt files), or a markdown title closed by INFO END.
const (
	bodyStart     = "==== 正文开始 ===="
	bodyEnd       = "==== 正文结束 ===="
	markdownStart = "<!-- INFO END -->"
	statePrefix   = "中华人民共和国"
)

// ParseError names the file and line where a statute text cannot be read.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Parse splits a statute text into its articles. A line opens article n
// only when it starts with n's label and the previous article was n-1, so a
// paragraph that happens to start by quoting another article stays text.
// The article count a header declares (【条款数】) must match what was found.
func Parse(file string, data []byte) (*Law, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return nil, &ParseError{File: file, Msg: "not UTF-8 text"}
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	l := &Law{File: file}
	declared := 0
	body := 0 // index of the first line of the body
	for i, line := range lines {
		line = trim(line)
		if strings.HasPrefix(line, "# ") && l.FullName == "" {
			l.FullName = trim(line[2:])
			continue
		}
		if key, value, ok := headerField(line); ok {
			switch key {
			case "法律名称", "文件名称", "规则名称":
				l.FullName = value
			case "现行版本", "颁布机构":
				l.Version = value
			case "施行日期":
				l.Effective = value
			case "数据源URL":
				l.URL = value
			case "条款数":
				n, err := strconv.Atoi(strings.TrimSuffix(value, "条"))
				if err != nil {
					return nil, &ParseError{File: file, Line: i + 1, Msg: fmt.Sprintf("条款数 %q is not a number", value)}
				}
				declared = n
			}
			continue
		}
		if line == bodyStart || line == markdownStart {
			body = i + 1
			break
		}
		if l.Version == "" && l.FullName != "" && strings.Contains(line, "公布") {
			l.Version = line // the markdown layout states its promulgation on a line of its own
		}
	}
	if body == 0 {
		return nil, &ParseError{File: file, Msg: fmt.Sprintf("no %q or %q line before the text", bodyStart, markdownStart)}
	}
	if l.FullName == "" {
		return nil, &ParseError{File: file, Msg: "no name: want a 【法律名称】 line or a # title"}
	}
	l.Name = strings.TrimPrefix(l.FullName, statePrefix)

	var chapter, section string
	var cur *Article
	var text []string
	flush := func() {
		if cur != nil {
			cur.Text = strings.Join(text, "\n")
			l.Articles = append(l.Articles, *cur)
			cur, text = nil, nil
		}
	}
	for i := body; i < len(lines); i++ {
		line := trim(strings.TrimLeft(trim(lines[i]), "#"))
		switch {
		case line == bodyEnd:
			i = len(lines)
			continue
		case line == "":
			continue
		}
		if n, title, ok := heading(line, '章'); ok {
			flush()
			chapter, section = "第"+Numeral(n)+"章 "+title, ""
			continue
		}
		if n, title, ok := heading(line, '节'); ok {
			flush()
			section = "第" + Numeral(n) + "节 " + title
			continue
		}
		if n, rest, ok := articleHead(line); ok && n == len(l.Articles)+1+btoi(cur != nil) {
			flush()
			cur = &Article{Law: l.Name, Number: n, Chapter: chapter, Section: section}
			if rest != "" {
				text = append(text, rest)
			}
			continue
		}
		if cur != nil {
			text = append(text, line)
		}
		// Lines before the first article (title, promulgation, contents) are
		// not part of any article.
	}
	flush()
	for i, a := range l.Articles {
		if a.Text == "" {
			return nil, &ParseError{File: file, Msg: fmt.Sprintf("%s has no text", Label(i+1))}
		}
	}
	if len(l.Articles) == 0 {
		return nil, &ParseError{File: file, Msg: "no articles: want lines starting 第一条, 第二条 …"}
	}
	if declared > 0 && declared != len(l.Articles) {
		return nil, &ParseError{File: file, Msg: fmt.Sprintf("header declares %d articles, found %d consecutive ones (last %s)",
			declared, len(l.Articles), Label(len(l.Articles)))}
	}
	return l, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// trim drops spaces of every width, the ideographic one included.
func trim(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }

// headerField reads 【key】value.
func headerField(line string) (key, value string, ok bool) {
	rest, ok := strings.CutPrefix(line, "【")
	if !ok {
		return "", "", false
	}
	key, value, ok = strings.Cut(rest, "】")
	return key, trim(value), ok
}

// heading reads a chapter or section heading, 第三章　经营者的义务, returning
// its number and its title with the spaces that justify it removed
// (总　　则 is 总则).
func heading(line string, unit rune) (int, string, bool) {
	num, rest, ok := numbered(line, unit)
	if !ok || rest == "" || !startsWithSpace(rest) {
		return 0, "", false
	}
	title := strings.Join(strings.FieldsFunc(rest, unicode.IsSpace), "")
	if title == "" || utf8.RuneCountInString(title) > 40 {
		return 0, "", false // a sentence, not a heading
	}
	return num, title, true
}

// articleHead reads 第二十四条　text…, returning the number and the text after
// the label and its spaces.
func articleHead(line string) (int, string, bool) {
	n, rest, ok := numbered(line, '条')
	if !ok {
		return 0, "", false
	}
	return n, trim(rest), true
}

// numbered reads 第 + numeral + unit at the start of line.
func numbered(line string, unit rune) (int, string, bool) {
	rest, ok := strings.CutPrefix(line, "第")
	if !ok {
		return 0, "", false
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return !isNumeralRune(r) })
	if end <= 0 {
		return 0, "", false
	}
	r, size := utf8.DecodeRuneInString(rest[end:])
	if r != unit {
		return 0, "", false
	}
	n, ok := ParseNumber(rest[:end])
	if !ok {
		return 0, "", false
	}
	return n, rest[end+size:], true
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}
