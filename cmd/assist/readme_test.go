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

// The README's table names every flag of assist serve, as its -h prints them.
func TestReadmeNamesEveryServeFlag(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	code, help := runCmd("serve", "-h")
	if code != 0 {
		t.Fatalf("assist serve -h: exit %d", code)
	}
	flags := regexp.MustCompile(`(?m)^  (-[a-z-]+)`).FindAllStringSubmatch(help, -1)
	if len(flags) < 4 {
		t.Fatalf("found %d flags in assist serve -h:\n%s", len(flags), help)
	}
	var row string
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "| `assist serve") {
			row = line
		}
	}
	for _, f := range flags {
		if !regexp.MustCompile(`[\[ ]` + regexp.QuoteMeta(f[1]) + `[ \]]`).MatchString(row) {
			t.Errorf("the README's row for assist serve does not name %s:\n%s", f[1], row)
		}
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
