package main

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"testing"
)

// Asking for help is not a mistake: assist -h and assist CMD -h print the
// usage and exit 0, for every command.
func TestHelpExitsZero(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // a part of what is printed
	}{
		{name: "assist -h", args: []string{"-h"}, want: "usage: assist <command>"},
		{name: "assist --help", args: []string{"--help"}, want: "usage: assist <command>"},
		{name: "assist help", args: []string{"help"}, want: "usage: assist <command>"},
		{name: "assist help serve", args: []string{"help", "serve"}, want: "usage: assist serve"},
	}
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		tests = append(tests,
			struct {
				name string
				args []string
				want string
			}{name: "assist " + n + " -h", args: []string{n, "-h"}, want: "usage: assist " + n},
			struct {
				name string
				args []string
				want string
			}{name: "assist " + n + " --help", args: []string{n, "--help"}, want: "usage: assist " + n})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			out := stdout.String() + stderr.String()
			if code != 0 || !strings.Contains(out, tt.want) {
				t.Fatalf("%s: exit %d, printed:\n%s\nwant exit 0 and %q", tt.name, code, out, tt.want)
			}
		})
	}
	// A real mistake still exits 2.
	var out bytes.Buffer
	if code := run(context.Background(), []string{"serve", "-no-such-flag"}, &out, &out); code != 2 {
		t.Errorf("assist serve -no-such-flag: exit %d, want 2", code)
	}
	if code := run(context.Background(), nil, &out, &out); code != 2 {
		t.Errorf("assist alone: exit %d, want 2", code)
	}
}
