package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoRoot is where README.md lives, two levels up from this package.
const repoRoot = "../.."

// The README's table names every flag of every command, as its -h prints
// them (internal ones aside).
func TestReadmeNamesEveryFlag(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	flagRe := regexp.MustCompile(`(?m)^  (-[a-z-]+)[^\n]*\n\s+(.*)`)
	for name := range commands {
		t.Run(name, func(t *testing.T) {
			code, help := runCmd(name, "-h")
			if code != 0 {
				t.Fatalf("assist %s -h: exit %d", name, code)
			}
			var rows strings.Builder
			for _, line := range strings.Split(string(readme), "\n") {
				if strings.HasPrefix(line, "| `assist "+name+" ") || strings.HasPrefix(line, "| `assist "+name+"`") {
					rows.WriteString(line)
				}
			}
			if rows.Len() == 0 {
				t.Fatalf("the README's table has no row for assist %s", name)
			}
			for _, f := range flagRe.FindAllStringSubmatch(help, -1) {
				if strings.HasPrefix(f[2], "internal:") {
					continue
				}
				if !regexp.MustCompile(`[\[ ]` + regexp.QuoteMeta(f[1]) + `[ \]]`).MatchString(rows.String()) {
					t.Errorf("the README's table does not name %s of assist %s", f[1], name)
				}
			}
		})
	}
}

// Every relative link in the README and docs/ leads to a file of the
// repository (not to something beside a checkout), and every #anchor to a
// heading of that file.
func TestDocLinksResolveInAFreshClone(t *testing.T) {
	docs, _ := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	docs = append(docs, filepath.Join(repoRoot, "README.md"))
	root, _ := filepath.Abs(repoRoot)
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			path := doc
			if file != "" {
				path = filepath.Join(filepath.Dir(doc), file)
			}
			abs, _ := filepath.Abs(path)
			if !strings.HasPrefix(abs, root+string(filepath.Separator)) {
				t.Errorf("%s links %s, outside the repository", filepath.Base(doc), target)
				continue
			}
			body, err := os.ReadFile(abs)
			if err != nil {
				t.Errorf("%s links %s: %v", filepath.Base(doc), target, err)
				continue
			}
			if anchor != "" && !hasHeading(string(body), anchor) {
				t.Errorf("%s links %s: no heading #%s in %s", filepath.Base(doc), target, anchor, file)
			}
		}
	}
}

// hasHeading reports whether markdown has a heading whose GitHub anchor is
// anchor (lower case, spaces to hyphens, punctuation dropped).
func hasHeading(markdown, anchor string) bool {
	for _, line := range strings.Split(markdown, "\n") {
		title, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " ")
		if !ok || !strings.HasPrefix(line, "#") {
			continue
		}
		var slug strings.Builder
		for _, r := range strings.ToLower(title) {
			switch {
			case r == ' ':
				slug.WriteRune('-')
			case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
				slug.WriteRune(r)
			}
		}
		if slug.String() == anchor {
			return true
		}
	}
	return false
}
