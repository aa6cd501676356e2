package main

import (
	"bufio"
	"context"
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
	return "add a person who logs in: assist user add -name NAME -role agent|admin|manager"
}

func (c *userCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "add [-data DIR] -name NAME -role agent|admin|manager [-password-stdin]")
	data := fs.String("data", defaultDataDir, "data directory of the server")
	name := fs.String("name", "", "login name: letters, digits, _ . @ -")
	role := fs.String("role", "", "agent, admin or manager")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input instead of generating one")
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "user needs a subcommand: add")
		fs.Usage()
		return errUsage
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" || *role == "" {
		fmt.Fprintln(stderr, "user add needs -name and -role")
		fs.Usage()
		return errUsage
	}
	password, err := c.password(*fromStdin)
	if err != nil {
		return err
	}
	db, err := openExisting(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.CreateUser(ctx, *name, kb.Role(*role), password)
	if err != nil {
		return err
	}
	if *fromStdin {
		fmt.Fprintf(stdout, "added user %q (%s)\n", u.Name, u.Role)
		return nil
	}
	fmt.Fprintf(stdout, "added user %q (%s); the password, shown only now:\n%s\n", u.Name, u.Role, password)
	return nil
}

// password reads one from stdin or generates one.
func (c *userCmd) password(fromStdin bool) (string, error) {
	if !fromStdin {
		return sqlite.NewPassword()
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
