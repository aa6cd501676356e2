// Command assist is the real-time assistant for shop chat agents: one binary
// whose subcommands serve the panel, import and export shops, and evaluate.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand. Each has its own flag.FlagSet and parses its
// flags inside Run, so tests can run the real program end to end.
type command interface {
	Name() string
	Synopsis() string
	Run(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

// register adds a subcommand; each command's file calls it from init.
func register(c command) {
	if _, dup := commands[c.Name()]; dup {
		panic("assist: command registered twice: " + c.Name())
	}
	commands[c.Name()] = c
}

// errUsage means the arguments were wrong; the usage has been printed.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 2 && args[0] == "help" {
		args = []string{args[1], "-h"} // assist help CMD is assist CMD -h
	}
	if len(args) == 0 || helpAsked(args) || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "assist: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err := c.Run(ctx, args[1:], stdout, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) { // the usage was asked for and printed
			return 0
		}
		if errors.Is(err, errUsage) {
			return 2
		}
		fmt.Fprintf(stderr, "assist %s: %v\n", c.Name(), err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: assist <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].Synopsis())
	}
	fmt.Fprintln(w, "\nRun 'assist <command> -h' for a command's flags.")
}

// newFlags makes a command's flag set that reports errors instead of exiting.
func newFlags(c command, stderr io.Writer, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("assist "+c.Name(), flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: assist %s %s\n\n%s\n\nflags:\n", c.Name(), synopsis, c.Synopsis())
		fs.PrintDefaults()
	}
	return fs
}

// helpAsked reports whether args ask for the usage (-h, -help, --help).
func helpAsked(args []string) bool {
	return len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help")
}

// parseFlags parses args and rejects stray positional arguments. -h prints
// the usage and returns flag.ErrHelp, which exits 0.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}
