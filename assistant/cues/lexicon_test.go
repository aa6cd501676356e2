package cues

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// minimal is the smallest lexicon that parses: one category, one cue.
const minimal = `[upsell.bargain]
label = 议价
action = 推荐套餐
query = 优惠 套餐
cue = 便宜点
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"word before any section", "# cues\n便宜点\n", "admin.txt:2: \"便宜点\" comes before any [section]"},
		{"unclosed header", "[negation\n", "admin.txt:1: section header"},
		{"unknown section", "[negations]\n不\n", "admin.txt:1: unknown section [negations]"},
		{"unknown kind", "[upsale.bargain]\nlabel = x\n", "admin.txt:1: unknown kind \"upsale\""},
		{"category line without =", minimal + "便宜些\n", "admin.txt:6: [upsell.bargain]: want key = value"},
		{"unknown key", minimal + "cues = 便宜些\n", "admin.txt:6: [upsell.bargain]: unknown key \"cues\""},
		{"empty value", minimal + "cue =\n", "admin.txt:6: [upsell.bargain] cue: empty value"},
		{"label twice", minimal + "label = 砍价\n", "admin.txt:6: [upsell.bargain]: label is given twice"},
		{"duplicate cue", minimal + "cue = 便宜點\n", "admin.txt:6: [upsell.bargain]: cue \"便宜點\" is already listed on line 5"},
		{"unknown check", minimal + "check = negation questions\n", "admin.txt:6: [upsell.bargain] check: unknown check \"questions\""},
		{"unknown scene", minimal + "scenes = upsell sale\n", "admin.txt:6: [upsell.bargain] scenes: unknown scene \"sale\""},
		{"unknown avoided scene", minimal + "avoid = closings\n", "admin.txt:6: [upsell.bargain] avoid: unknown scene \"closings\""},
		{"unknown block", minimal + "block = evidense\n", "admin.txt:6: [upsell.bargain] block: unknown kind \"evidense\""},
		{"category twice", minimal + "\n[upsell.bargain]\n", "admin.txt:7: [upsell.bargain] is already defined on line 1"},
		{"missing label", "[upsell.gift]\naction = x\nquery = 赠品\ncue = 送什么\n", "admin.txt:1: [upsell.gift]: label is missing"},
		{"no cues", "[upsell.gift]\nlabel = 赠品\naction = x\nquery = 赠品\n", "admin.txt:1: [upsell.gift]: no cue lines"},
		{"undefined group", minimal + "cue = 买@count件\n", "admin.txt:6: @count: no [group.count] is defined"},
		{"empty chain link", minimal + "cue = 不…\n", "admin.txt:6: cue \"不…\": empty part"},
		{"duplicate function word", "[negation]\n不 没\n没有\n不\n", "admin.txt:4: [negation]: \"不\" is already listed on line 2"},
		{"value in a word section", "[negation]\n不 = 1\n", "admin.txt:2: [negation]: \"不 = 1\": words here are plain"},
		{"group naming a group", "[group.unit]\n件 @size\n", "admin.txt:2: [group.unit]: \"件 @size\": a group's words cannot name other groups"},
		{"redefined number", "[group.number]\n一\n", "admin.txt:1: [group.number] is built in"},
		{"group twice", "[group.unit]\n件\n[group.unit]\n个\n", "admin.txt:3: [group.unit] is already defined on line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("admin.txt", []byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseMinimal(t *testing.T) {
	lex, err := Parse("admin.txt", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if got := found(lex.Detect("buyer", "能便宜点吗")); !slices.Equal(got, []string{"upsell/bargain"}) {
		t.Errorf("Detect = %v", got)
	}
	if got := lex.Detect("agent", "能便宜点吗"); len(got) != 0 {
		t.Errorf("an upsell cue fired in an agent turn: %v", got)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.txt")
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "none.txt") {
		t.Errorf("error = %v, want one naming the file", err)
	}
}

func TestLoadBadLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cues.txt")
	writeFile(t, path, string(defaultLexicon)+"\n[evidence.missing]\n")
	line := strings.Count(string(defaultLexicon), "\n") + 2
	_, err := Load(path)
	want := path + ":" + strconv.Itoa(line) + ": [evidence.missing] is already defined on line "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want it to start with %q", err, want)
	}
}

// TestEditedLexiconChangesDetect plays what an admin does: copy the embedded
// file, add a line, load it, and see Detect follow.
func TestEditedLexiconChangesDetect(t *testing.T) {
	tests := []struct {
		name   string
		after  string // the line is added after this one
		line   string
		role   string
		text   string
		before []string
		want   []string
	}{
		{"new quality cue", "cue = 开胶\n", "cue = 掉跟\n", "buyer", "鞋子穿了一周就掉跟了",
			[]string{}, []string{"evidence/quality"}},
		{"new negation", "[negation]\n", "杜绝\n", "buyer", "这款袜子杜绝起球",
			[]string{"evidence/quality"}, []string{}},
		{"new ordinary phrase", "[ordinary]\n", "第一名\n", "agent", "这款拿过评测第一名",
			[]string{"wording/absolute"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := found(Default().Detect(tt.role, tt.text)); !slices.Equal(got, tt.before) {
				t.Fatalf("embedded lexicon: Detect(%q) = %v, want %v", tt.text, got, tt.before)
			}
			text := string(defaultLexicon)
			if !strings.Contains(text, tt.after) {
				t.Fatalf("lexicon.txt has no line %q", tt.after)
			}
			text = strings.Replace(text, tt.after, tt.after+tt.line, 1)
			path := filepath.Join(t.TempDir(), "cues.txt")
			writeFile(t, path, text)
			lex, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := found(lex.Detect(tt.role, tt.text)); !slices.Equal(got, tt.want) {
				t.Errorf("edited lexicon: Detect(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// TestEditedUnitWidensWords: a new unit lets 少了一缸 show whole.
func TestEditedUnitWidensWords(t *testing.T) {
	text := strings.Replace(string(defaultLexicon), "[group.unit]\n", "[group.unit]\n缸\n", 1)
	lex, err := Parse("cues.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range lex.Detect("buyer", "收到了,少了一缸") {
		if c.Category == "missing" && slices.Equal(c.Words, []string{"少了一缸"}) {
			return
		}
	}
	t.Errorf("words after adding 缸: %v", lex.Detect("buyer", "收到了,少了一缸"))
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
