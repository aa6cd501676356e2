package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"assist/kb"
	"assist/kb/sqlite"
)

func init() { register(&userCmd{}) }

// userCmd adds people. It writes to the store directly, so it works while
// the server runs, and the server sees the new user at the next request.
type userCmd struct {
	stdin io.Reader // nil: os.Stdin
}

func (*userCmd) Name() string { return "user" }
func (*userCmd) Synopsis() string {
	return "add a person and give them a role in a shop: assist user add -name NAME -shop SHOP -role agent|admin|manager"
}

func (c *userCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "add [-data DIR | -store postgres://…] -name NAME [-shop SHOP] -role agent|admin|manager [-owner] [-password-stdin]")
	data := fs.String("data", defaultDataDir, "data directory of the server")
	store := fs.String("store", "", "PostgreSQL DSN of the store several instances share, instead of -data")
	name := fs.String("name", "", "login name: letters, digits, _ . @ -")
	shop := fs.String("shop", "", "the shop the role is in (default: the store's only shop)")
	role := fs.String("role", "", "agent, admin or manager in that shop")
	owner := fs.Bool("owner", false, "also a server-wide owner: creates shops and grants memberships")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input instead of generating one")
	if helpAsked(args) {
		fs.Usage()
		return flag.ErrHelp
	}
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "user needs a subcommand: add")
		fs.Usage()
		return errUsage
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" || (*role == "" && !*owner) {
		fmt.Fprintln(stderr, "user add needs -name, and -role (or -owner)")
		fs.Usage()
		return errUsage
	}
	db, err := openPeople(ctx, *data, *store)
	if err != nil {
		return err
	}
	defer db.Close()
	var in kb.ShopInfo
	if *role != "" {
		if !kb.Role(*role).Valid() {
			return kb.Errorf(kb.EInvalid, "role %q: want agent, admin or manager", *role)
		}
		if in, err = pickShop(ctx, db, *shop); err != nil {
			return err
		}
	}
	// A person who exists already gets the role in one more shop; their
	// password stays theirs.
	u, err := db.User(ctx, *name)
	created := false
	var password string
	if kb.ErrorCode(err) == kb.ENotFound {
		if password, err = c.password(*fromStdin); err != nil {
			return err
		}
		u, err = db.CreateUser(ctx, *name, password, *owner)
		created = true
	} else if err == nil && *owner && !u.Owner {
		err = db.SetOwner(ctx, u.ID, true)
	}
	if err != nil {
		return err
	}
	what := "owner"
	if *role != "" {
		if err := db.Grant(ctx, u.ID, in.ID, kb.Role(*role)); err != nil {
			return err
		}
		what = fmt.Sprintf("%s of shop %q", *role, in.Name)
		if *owner {
			what += ", owner"
		}
	}
	switch {
	case !created:
		fmt.Fprintf(stdout, "user %q is now %s\n", u.Name, what)
	case *fromStdin:
		fmt.Fprintf(stdout, "added user %q (%s)\n", u.Name, what)
	default:
		fmt.Fprintf(stdout, "added user %q (%s); the password, shown only now:\n%s\n", u.Name, what, password)
	}
	return nil
}

// pickShop finds the shop a command names; with no name, the store's only
// shop, so a single-shop server needs no -shop.
func pickShop(ctx context.Context, db shopFinder, name string) (kb.ShopInfo, error) {
	if name != "" {
		return db.ShopNamed(ctx, name)
	}
	shops, err := db.Shops(ctx)
	if err != nil {
		return kb.ShopInfo{}, err
	}
	if len(shops) != 1 {
		names := make([]string, len(shops))
		for i, s := range shops {
			names[i] = s.Name
		}
		return kb.ShopInfo{}, kb.Errorf(kb.EInvalid, "the store holds %d shops %q: name one with -shop", len(shops), names)
	}
	return shops[0], nil
}

// password reads one from stdin or generates one.
func (c *userCmd) password(fromStdin bool) (string, error) {
	if !fromStdin {
		return kb.NewPassword()
	}
	in := c.stdin
	if in == nil {
		in = os.Stdin
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// openExisting opens the store of a data directory that assist serve (or
// import) has created; a mistyped -data should not create an empty one.
func openExisting(ctx context.Context, data string) (*sqlite.DB, error) {
	if _, err := os.Stat(storePath(data)); err != nil {
		return nil, fmt.Errorf("no store in %s (start assist serve -data %s once first): %w", data, data, err)
	}
	return sqlite.Open(ctx, storePath(data))
}
