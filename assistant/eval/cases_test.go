package eval

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"assist/assistant"
	"assist/kb"
	"assist/kb/bundle"
)

func TestLoadCasesValid(t *testing.T) {
	got, err := LoadCases(filepath.Join("testdata", "charger-cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Case{
		{ID: "c1", Product: "gan-65w", Line: 1, At: time.Date(2026, 6, 18, 20, 30, 0, 0, time.FixedZone("", 8*3600)),
			Turns:  []Turn{{Role: RoleBuyer, Text: "能便宜点吗"}},
			Expect: []Expect{{Turn: 0, Nudges: []string{"upsell"}, Docs: []string{"ph-kit"}}},
			Forbid: []Forbid{{Turn: 0, Nudges: []string{"evidence"}}}},
		{ID: "c2", Line: 3, // line 2 is blank
			Turns:  []Turn{{Role: RoleBuyer, Text: "收到的充电头外壳裂了"}, {Role: RoleAgent, Text: "亲,麻烦拍照看看"}},
			Expect: []Expect{{Turn: 0, Nudges: []string{"evidence"}, Docs: []string{"rule-sign-check", "ph-photo"}}}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d cases, want %d", len(got), len(want))
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) {
			t.Errorf("case %d at %v, want %v", i, got[i].At, want[i].At)
		}
		got[i].At, want[i].At = time.Time{}, time.Time{}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("case %d:\n got  %+v\n want %+v", i, got[i], want[i])
		}
	}
	shop, err := bundle.Load(filepath.Join("testdata", "charger-shop.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckCases("charger-cases.jsonl", got, shop); err != nil {
		t.Errorf("cases do not match their shop: %v", err)
	}
}

// one is a well-formed case to build bad lines around.
const one = `{"id": "a", "turns": [{"role": "buyer", "text": "在吗"}]}`

func TestParseCasesMalformed(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"empty file", "\n\n", "cases.jsonl: empty file: want one case a line, each a JSON object"},
		{"truncated last line", one + "\n" + `{"id": "b", "turns": [{"role": "buyer", "text": "发货了`,
			"cases.jsonl:2:53: unexpected end of file: the last case is cut short: the string that starts at column 49 is not closed"},
		{"case over several lines", "{\"id\": \"a\",\n \"turns\": []}\n",
			"cases.jsonl:1:12: the line ends inside the case: the object that starts at column 1 is not closed; each case must be one JSON object on one line\n" +
				`cases.jsonl:2:9: unexpected ':' after the end of the top-level value`},
		{"syntax error names the file's line", one + "\n\n" + `{"id": "b", "turns": [],}`,
			"cases.jsonl:3:25: trailing comma before '}'"},
		{"not an object", `["a"]`, "cases.jsonl:1:1: want a case, a JSON object with id and turns, got array"},
		{"unknown field", `{"id": "a", "turns": [{"role": "buyer", "text": "在吗"}], "expects": []}`,
			`cases.jsonl:1:57: expects: unknown field (did you mean "expect"?); known fields: id, product, at, turns, expect, forbid`},
		{"missing id and turns", `{"product": "x"}`, "cases.jsonl:1:1: id: missing\ncases.jsonl:1:1: turns: missing"},
		{"duplicate case id", one + "\n" + one, `cases.jsonl:2:8: id: duplicate case id "a" (first on line 1)`},
		{"empty turns", `{"id": "a", "turns": []}`, "cases.jsonl:1:22: turns: empty: a case needs at least one turn"},
		{"role and text", `{"id": "a", "turns": [{"role": "seller", "text": "在"}, {"role": "agent", "text": " "}]}`,
			"cases.jsonl:1:32: turns[0].role: want buyer or agent, got \"seller\"\ncases.jsonl:1:82: turns[1].text: empty"},
		{"at is not RFC 3339", `{"id": "a", "at": "2026-06-18 20:30", "turns": [{"role": "buyer", "text": "在吗"}]}`,
			`cases.jsonl:1:19: at: want an RFC 3339 time such as 2026-06-18T20:30:00+08:00, got "2026-06-18 20:30"`},
		{"turn past the last", strings.TrimSuffix(one, "}") + `, "expect": [{"turn": 1, "nudges": ["upsell"]}]}`,
			"cases.jsonl:1:77: expect[0].turn: turn 1 is past the last turn: the case has 1, numbered from 0"},
		{"negative turn", strings.TrimSuffix(one, "}") + `, "forbid": [{"turn": -1, "nudges": ["upsell"]}]}`,
			"cases.jsonl:1:77: forbid[0].turn: want at least 0, got number -1"},
		{"turn not a whole number", strings.TrimSuffix(one, "}") + `, "expect": [{"turn": 0.5, "docs": ["d"]}, {"turn": "0", "docs": ["d"]}]}`,
			"cases.jsonl:1:77: expect[0].turn: want a whole number, got number 0.5\n" +
				`cases.jsonl:1:107: expect[1].turn: want a whole number, got string "0"`},
		{"unknown nudge kind", strings.TrimSuffix(one, "}") + `, "expect": [{"turn": 0, "nudges": ["upsel", "discount"]}]}`,
			`cases.jsonl:1:91: expect[0].nudges[0]: unknown nudge kind "upsel" (did you mean "upsell"?); want one of upsell, evidence, shipping_promise, admission, wording` + "\n" +
				`cases.jsonl:1:100: expect[0].nudges[1]: unknown nudge kind "discount"; want one of upsell, evidence, shipping_promise, admission, wording`},
		{"a nudge both expected and forbidden", strings.TrimSuffix(one, "}") +
			`, "expect": [{"turn": 0, "nudges": ["evidence"]}], "forbid": [{"turn": 0, "nudges": ["upsell", "evidence"]}]}`,
			`cases.jsonl:1:150: forbid[0].nudges[1]: "evidence" is also expected after turn 0`},
		{"expect names nothing", strings.TrimSuffix(one, "}") + `, "expect": [{"turn": 0}]}`,
			"cases.jsonl:1:68: expect[0]: names neither nudges nor docs"},
		{"forbid names nothing", strings.TrimSuffix(one, "}") + `, "forbid": [{"turn": 0, "nudges": []}]}`,
			"cases.jsonl:1:90: forbid[0].nudges: empty: name the nudges that must not be raised"},
		{"listed twice", strings.TrimSuffix(one, "}") + `, "expect": [{"turn": 0, "nudges": ["upsell", "upsell"], "docs": ["d", "d"]}]}`,
			"cases.jsonl:1:101: expect[0].nudges[1]: \"upsell\" is listed twice\n" +
				`cases.jsonl:1:126: expect[0].docs[1]: "d" is listed twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases, err := ParseCases("cases.jsonl", []byte(tt.data))
			if err == nil {
				t.Fatalf("no error, want:\n%s", tt.want)
			}
			if cases != nil {
				t.Error("cases came back with the error")
			}
			if err.Error() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", err, tt.want)
			}
			var ps bundle.Problems
			if !errors.As(err, &ps) {
				t.Errorf("error %T is not bundle.Problems", err)
			}
		})
	}
}

func TestParseCasesCRLF(t *testing.T) {
	cases, err := ParseCases("win.jsonl", []byte(one+"\r\n\r\n"+strings.Replace(one, `"a"`, `"b"`, 1)+"\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 || cases[1].ID != "b" || cases[1].Line != 3 {
		t.Errorf("got %+v", cases)
	}
}

func TestCheckCases(t *testing.T) {
	shop, err := bundle.Load(filepath.Join("testdata", "charger-shop.json"))
	if err != nil {
		t.Fatal(err)
	}
	data := strings.Join([]string{
		`{"id": "a", "product": "gan-56w", "turns": [{"role": "buyer", "text": "在吗"}]}`,
		`{"id": "b", "product": "ph-kit", "turns": [{"role": "buyer", "text": "在吗"}], "expect": [{"turn": 0, "docs": ["ph-kit", "rule-sign"]}]}`,
		`{"id": "c", "turns": [{"role": "buyer", "text": "在吗"}], "expect": [{"turn": 0, "docs": ["nothing-like-it"]}]}`,
	}, "\n")
	cases, err := ParseCases("check.jsonl", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	err = CheckCases("check.jsonl", cases, shop)
	want := `check.jsonl:1: product: no product "gan-56w" in shop "闪充数码" (did you mean "gan-65w"?)` + "\n" +
		`check.jsonl:2: product: "ph-kit" is a phrase, not a product` + "\n" +
		`check.jsonl:2: expect[0].docs[1]: no product, rule or phrase "rule-sign" in shop "闪充数码"` + "\n" +
		`check.jsonl:3: expect[0].docs[0]: no product, rule or phrase "nothing-like-it" in shop "闪充数码"`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

// TestNudgeKindsMatchAssistant keeps the file format's vocabulary and the
// engine's in step: a kind the engine raises must be one a case can name.
func TestNudgeKindsMatchAssistant(t *testing.T) {
	engine := []string{assistant.NudgeUpsell, assistant.NudgeEvidence, assistant.NudgeShippingPromise,
		assistant.NudgeAdmission, assistant.NudgeWording}
	if !reflect.DeepEqual(NudgeKinds, engine) {
		t.Errorf("NudgeKinds %v, engine %v", NudgeKinds, engine)
	}
	if RoleBuyer != string(assistant.Buyer) || RoleAgent != string(assistant.Agent) {
		t.Errorf("roles %q %q differ from the engine's", RoleBuyer, RoleAgent)
	}
}

// TestExampleCases loads the shared example cases and checks them against the
// shared example shop, when the checkout has them beside the repository.
func TestExampleCases(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "eval")
	shopPath, casesPath := filepath.Join(dir, "dev-shop.json"), filepath.Join(dir, "dev-cases.jsonl")
	for _, p := range []string{shopPath, casesPath} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("no example: %v", err)
		}
	}
	shop, err := bundle.Load(shopPath)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := LoadCases(casesPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	if err := CheckCases(casesPath, cases, shop); err != nil {
		t.Error(err)
	}
}

func TestLoadCasesMissingFile(t *testing.T) {
	_, err := LoadCases(filepath.Join(t.TempDir(), "none.jsonl"))
	if !errors.Is(err, os.ErrNotExist) || kb.ErrorCode(err) != kb.EInternal {
		t.Errorf("got %v", err)
	}
}
