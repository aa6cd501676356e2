package web

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// plainAgrees fails the test when plainTurnRequest accepts a body that
// decodeJSON refuses or reads otherwise.
func plainAgrees(t *testing.T, body []byte) bool {
	t.Helper()
	got, ok := plainTurnRequest(body)
	if !ok {
		return false
	}
	var want turnRequest
	if err := decodeJSON(body, &want); err != nil {
		t.Fatalf("%q: the plain reading accepts what decodeJSON refuses: %v", body, err)
	}
	if got != want {
		t.Fatalf("%q: plain reading %+v, decodeJSON %+v", body, got, want)
	}
	return true
}

// The bodies platforms send are read the plain way, exactly as decodeJSON
// reads them.
func TestPlainTurnRequestReadsWhatPlatformsSend(t *testing.T) {
	for _, req := range []turnRequest{
		{Role: "buyer", Text: "这个和那个搭配一起买能不能包邮"},
		{Role: "agent", Text: "亲,在的,有现货哦", Product: "tea-1", At: "2026-11-23T10:00:00+08:00", Assignee: "xiaoli"},
		{Role: "buyer", Text: "😀 能便宜点吗?", BuyerName: "小王 Wang"},
		{},
	} {
		body, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		if !plainAgrees(t, body) {
			t.Errorf("%s: not read the plain way", body)
		}
		indented, _ := json.MarshalIndent(req, " ", "\t")
		if !plainAgrees(t, append(indented, "\r\n"...)) {
			t.Errorf("%s: indented, not read the plain way", indented)
		}
	}
}

// Whatever the plain reading does not take is left to decodeJSON: escapes,
// null, other keys or cases, repeats, bad UTF-8, broken syntax.
func TestPlainTurnRequestLeavesTheRest(t *testing.T) {
	for _, body := range []string{
		``, ` `, `[]`, `{`, `{"role":"buyer"`, `{"role":"buyer",}`, `{"role":"buyer" "text":"x"}`,
		`{"role":"buyer"} {}`, `{"role":"buyer"}x`, `{"role":null}`, `{"role":1}`, `{"Role":"buyer"}`,
		`{"role":"buyer","role":"agent"}`, `{"who":"buyer"}`, `{"text":"a\"b"}`, `{"text":"\u4f60"}`,
		"{\"text\":\"a\tb\"}", "{\"text\":\"\xff\"}", "\ufeff{}", `{role:"buyer"}`, `{"role":'buyer'}`,
	} {
		if _, ok := plainTurnRequest([]byte(body)); ok {
			t.Errorf("%q: read the plain way", body)
		}
	}
}

// Random bodies, well and badly formed: whatever the plain reading
// accepts, decodeJSON reads the same.
func TestPlainTurnRequestAgreesWithDecodeJSON(t *testing.T) {
	keys := []string{"role", "text", "product", "at", "buyer_name", "assignee", "Text", "extra", "role "}
	values := []string{`"buyer"`, `"agent"`, `""`, `"包邮吗"`, `"a\nb"`, `"<b>&"`, `null`, `7`, `"2026-11-23T10:00:00+08:00"`,
		`"\u003c"`, `["x"]`, `{}`, "\"\x01\"", `"亲,您好 😀"`}
	spaces := []string{"", "", " ", "\n\t", "\r\n  "}
	r := rand.New(rand.NewPCG(13, 30))
	accepted := 0
	for range 50000 {
		var b strings.Builder
		b.WriteString(spaces[r.IntN(len(spaces))])
		b.WriteByte('{')
		for i := range r.IntN(5) {
			if i > 0 {
				b.WriteString(spaces[r.IntN(len(spaces))] + ",")
			}
			b.WriteString(spaces[r.IntN(len(spaces))] + `"` + keys[r.IntN(len(keys))] + `"` + spaces[r.IntN(len(spaces))] + ":")
			b.WriteString(spaces[r.IntN(len(spaces))] + values[r.IntN(len(values))])
		}
		b.WriteString(spaces[r.IntN(len(spaces))] + "}" + spaces[r.IntN(len(spaces))])
		body := []byte(b.String())
		if r.IntN(4) == 0 { // a byte changed, dropped or added
			at := r.IntN(len(body))
			switch r.IntN(3) {
			case 0:
				body[at] = byte(r.IntN(256))
			case 1:
				body = append(body[:at], body[at+1:]...)
			default:
				body = append(body[:at], append([]byte{"{}\",: \\x"[r.IntN(8)]}, body[at:]...)...)
			}
		}
		if plainAgrees(t, body) {
			accepted++
		}
	}
	t.Logf("%d of 50000 random bodies read the plain way", accepted)
	if accepted < 5000 {
		t.Errorf("only %d of 50000 random bodies read the plain way: the test no longer tries the plain reading", accepted)
	}
}

func FuzzPlainTurnRequest(f *testing.F) {
	f.Add([]byte(`{"role":"buyer","text":"包邮吗","product":"tea-1"}`))
	f.Add([]byte(`{"role":"buyer","role":"buyer"}`))
	f.Add([]byte(" {\"at\" : \"x\" }\n"))
	f.Fuzz(func(t *testing.T, body []byte) { plainAgrees(t, body) })
}

func BenchmarkTurnRequest(b *testing.B) {
	body := []byte(`{"role":"buyer","text":"这个和那个搭配一起买能不能包邮","product":"tea-1","buyer_name":"小王"}`)
	b.Run("decodeJSON", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var req turnRequest
			if err := decodeJSON(body, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, ok := plainTurnRequest(body); !ok {
				b.Fatal("not plain")
			}
		}
	})
}
