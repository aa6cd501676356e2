package main

import (
	"context"
	"fmt"
	"io"
)

func init() { register(&tokenCmd{}) }

// tokenCmd issues API tokens for chat platform integrations.
type tokenCmd struct{}

func (*tokenCmd) Name() string { return "token" }
func (*tokenCmd) Synopsis() string {
	return "issue an API token for a chat platform: assist token create -name NAME"
}

func (c *tokenCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "create [-data DIR] -name NAME")
	data := fs.String("data", defaultDataDir, "data directory of the server")
	name := fs.String("name", "", "what the token is for, e.g. the platform's name")
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "token needs a subcommand: create")
		fs.Usage()
		return errUsage
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" {
		fmt.Fprintln(stderr, "token create needs -name")
		fs.Usage()
		return errUsage
	}
	db, err := openExisting(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	secret, tok, err := db.CreateToken(ctx, *name)
	if err != nil {
		return err
	}
	// The token alone on the last line, so scripts can take it with tail -1.
	fmt.Fprintf(stdout, "created API token %q; send it as \"Authorization: Bearer TOKEN\". Shown only now:\n", tok.Name)
	fmt.Fprintln(stdout, secret)
	return nil
}
