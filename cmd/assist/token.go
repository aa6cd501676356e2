package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"assist/kb"
	"assist/web"
)

func init() { register(&tokenCmd{}) }

// tokenCmd issues, lists and revokes API tokens for chat platform
// integrations.
type tokenCmd struct{}

func (*tokenCmd) Name() string { return "token" }
func (*tokenCmd) Synopsis() string {
	return "API tokens for chat platforms: assist token create -name NAME | list | revoke -id ID"
}

func (c *tokenCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "create -name NAME [-shop SHOP] | list | revoke -id ID   [-data DIR | -store postgres://…]")
	data := fs.String("data", defaultDataDir, "data directory of the server")
	store := fs.String("store", "", "PostgreSQL DSN of the store several instances share, instead of -data")
	name := fs.String("name", "", "create: what the token is for, e.g. the platform's name")
	shop := fs.String("shop", "", "create: the shop the token posts to (default: the store's only shop)")
	id := fs.Int64("id", 0, "revoke: the token's id, as list shows it")
	if helpAsked(args) {
		fs.Usage()
		return flag.ErrHelp
	}
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "create", "list", "revoke":
	default:
		fmt.Fprintln(stderr, "token needs a subcommand: create, list or revoke")
		fs.Usage()
		return errUsage
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	missing := ""
	switch {
	case sub == "create" && *name == "":
		missing = "-name"
	case sub == "revoke" && *id <= 0:
		missing = "-id"
	}
	if missing != "" {
		fmt.Fprintf(stderr, "token %s needs %s\n", sub, missing)
		fs.Usage()
		return errUsage
	}
	db, err := openPeople(ctx, *data, *store)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "list":
		toks, err := db.Tokens(ctx)
		if err != nil {
			return err
		}
		if len(toks) == 0 {
			fmt.Fprintln(stdout, "no API tokens")
		}
		shops, err := db.Shops(ctx)
		if err != nil {
			return err
		}
		shopName := map[int64]string{}
		for _, s := range shops {
			shopName[s.ID] = s.Name
		}
		for _, t := range toks {
			fmt.Fprintf(stdout, "%d\t%s\tshop %d %s\tcreated %s\n", t.ID, t.Name, t.Shop, shopName[t.Shop], t.CreatedAt.Format(time.RFC3339))
		}
		return nil
	case "revoke":
		t, err := db.RevokeToken(ctx, *id)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked API token %d (%q); requests with it are refused from now on (by a running server within a second)\n", t.ID, t.Name)
		// On a shared store, the instances running close its sockets now.
		if a, ok := db.(web.ClosingAnnouncer); ok {
			if err := a.AnnounceClosing(ctx, kb.SocketClosing{Token: t.ID, Reason: "API token revoked"}); err != nil {
				fmt.Fprintf(stderr, "warning: the running instances were not told (%v); they close its sockets at their next ping\n", err)
			}
		}
		return nil
	}
	in, err := pickShop(ctx, db, *shop)
	if err != nil {
		return err
	}
	secret, tok, err := db.CreateToken(ctx, in.ID, *name)
	if err != nil {
		return err
	}
	// The token alone on the last line, so scripts can take it with tail -1.
	fmt.Fprintf(stdout, "created API token %q (id %d) for shop %q (id %d): post to /api/v1/shops/%d/...; send it as \"Authorization: Bearer TOKEN\". Shown only now:\n",
		tok.Name, tok.ID, in.Name, in.ID, in.ID)
	fmt.Fprintln(stdout, secret)
	return nil
}
