package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"assist/kb"
)

// What encoding/json would quietly change or let pass is refused with a
// reason, and nothing of it is stored.
func TestInputThatWouldBeStoredChangedIsRefused(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		body   string
		reason string // a part of the reason the caller reads
	}{
		{name: "bytes that are not UTF-8", body: "{\"role\":\"buyer\",\"text\":\"\xff\xfe在吗\"}", reason: "not valid UTF-8 at byte 24"},
		{name: "a truncated UTF-8 sequence", body: "{\"role\":\"buyer\",\"text\":\"在\xe5\x90\"}", reason: "not valid UTF-8"},
		{name: "a lone high surrogate", body: `{"role":"buyer","text":"在吗\ud800"}`, reason: "half a surrogate pair"},
		{name: "a lone low surrogate", body: `{"role":"buyer","text":"\udc00在吗"}`, reason: "half a surrogate pair"},
		{name: "a high surrogate before a letter", body: `{"role":"buyer","text":"\ud83dA"}`, reason: "half a surrogate pair"},
		{name: "two high surrogates", body: `{"role":"buyer","text":"\ud83d\ud83d"}`, reason: "half a surrogate pair"},
		{name: "a surrogate in a key", body: `{"role":"buyer","text":"在吗","\ud800":1}`, reason: "half a surrogate pair"},
		{name: "a key given twice", body: `{"role":"buyer","text":"在吗","text":"我要退款"}`, reason: `field "text" is given twice`},
		{name: "keys differing only in case", body: `{"role":"buyer","text":"在吗","TEXT":"我要退款"}`, reason: "differ only in case"},
		{name: "a key in upper case", body: `{"role":"buyer","TEXT":"在吗"}`, reason: `did you mean "text"`},
		{name: "NUL", body: `{"role":"buyer","text":"在吗\u0000"}`, reason: "control character U+0000 at character 3"},
		{name: "ESC", body: `{"role":"buyer","text":"\u001b[31m在吗"}`, reason: "control character U+001B"},
		{name: "DEL", body: `{"role":"buyer","text":"在吗\u007f"}`, reason: "control character U+007F"},
		{name: "a C1 control", body: `{"role":"buyer","text":"在吗\u0085"}`, reason: "control character U+0085"},
		{name: "a right-to-left override", body: `{"role":"buyer","text":"退款\u202egpj.exe"}`, reason: "U+202E at character 3"},
		{name: "a direction isolate", body: `{"role":"buyer","text":"\u2066在吗"}`, reason: "U+2066"},
		{name: "only zero-width characters", body: `{"role":"buyer","text":"\u200b\u200c\u200d\ufeff"}`, reason: "no visible character"},
		{name: "only a Hangul filler and spaces", body: `{"role":"buyer","text":" \u3164 "}`, reason: "no visible character"},
		{name: "only a soft hyphen and a line break", body: `{"role":"buyer","text":"\u00ad\n"}`, reason: "no visible character"},
	}
	for i, tt := range tests {
		conv := "bad-" + string(rune('a'+i))
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("POST", shopPath("/conversations/"+conv+"/turns"), bearer(e.token), tt.body)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d %s, want 400", status, body)
			}
			eb := errorOfBody(t, body)
			if eb.Error != kb.EInvalid || !strings.Contains(eb.Reason, tt.reason) {
				t.Errorf("error %+v: want invalid with a reason holding %q", eb, tt.reason)
			}
			if _, err := e.store.Turns(context.Background(), chargerID, conv); kb.ErrorCode(err) != kb.ENotFound {
				t.Errorf("conversation %s after a refused turn: %v, want none", conv, err)
			}
		})
	}
}

// The checks refuse only what they mean to: text a person writes passes as
// written.
func TestOrdinaryTextPassesTheChecks(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, body, text string
	}{
		{name: "an emoji as a surrogate pair", body: `{"role":"buyer","text":"好的\ud83d\ude00"}`, text: "好的😀"},
		{name: "an escaped backslash before u", body: `{"role":"buyer","text":"路径 C:\\ud800"}`, text: `路径 C:\ud800`},
		{name: "a family emoji with joiners", body: `{"role":"buyer","text":"👨‍👩‍👧 三个人用"}`, text: "👨‍👩‍👧 三个人用"},
		{name: "tabs and line breaks", body: `{"role":"agent","text":"亲\n\t在的"}`, text: "亲\n\t在的"},
		{name: "a left-to-right mark", body: `{"role":"buyer","text":"型号\u200eA1"}`, text: "型号\u200eA1"},
		{name: "a key unknown to the case check", body: `{"role":"buyer","text":"在吗","product":""}`, text: "在吗"},
	}
	for i, tt := range tests {
		conv := "ok-" + string(rune('a'+i))
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("POST", shopPath("/conversations/"+conv+"/turns"), bearer(e.token), tt.body)
			if status != http.StatusOK {
				t.Fatalf("status %d %s, want 200", status, body)
			}
			turns, err := e.store.Turns(context.Background(), chargerID, conv)
			if err != nil || len(turns) != 1 || turns[0].Text != tt.text {
				t.Fatalf("stored %+v, %v; want the text %q", turns, err, tt.text)
			}
		})
	}
}

// A WebSocket frame goes through the same decoding as a request body.
func TestAFrameWithADuplicateKeyIsRefused(t *testing.T) {
	e := newEnv(t)
	conn := e.panel("c1", kb.RoleAgent)
	if err := conn.WriteMessage(1, []byte(`{"type":"turn","ref":"r1","role":"buyer","text":"在吗","text":"我要退款"}`)); err != nil {
		t.Fatal(err)
	}
	f := mustRead(t, conn)
	if f.Type != "error" || f.Error != kb.EInvalid || !strings.Contains(f.Reason, "given twice") {
		t.Errorf("frame %+v: want an invalid error saying the key is given twice", f)
	}
}
