package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"assist/kb/bundle"
	"assist/kb/sqlite"
)

func init() {
	register(&importCmd{})
	register(&exportCmd{})
}

// storePath is where a data directory keeps its SQLite file.
func storePath(dataDir string) string { return filepath.Join(dataDir, "assist.db") }

// indexPath is where a data directory keeps the derived bleve index.
func indexPath(dataDir string) string { return filepath.Join(dataDir, "index") }

const defaultDataDir = "assist-data"

// importCmd loads or replaces a shop from a bundle file.
type importCmd struct{}

func (*importCmd) Name() string { return "import" }
func (*importCmd) Synopsis() string {
	return "load or replace a shop's knowledge from a bundle, in one transaction"
}

func (c *importCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-data DIR] -shop FILE")
	data := fs.String("data", defaultDataDir, "data directory (SQLite file and index)")
	file := fs.String("shop", "", "shop bundle (JSON) to import")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *file == "" {
		fmt.Fprintln(stderr, "import needs -shop FILE")
		fs.Usage()
		return errUsage
	}
	shop, err := bundle.Load(*file)
	if err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, storePath(*data))
	if err != nil {
		return err
	}
	defer db.Close()
	info, err := db.ImportShop(ctx, shop)
	if err != nil {
		return err
	}
	// A running server sees the new version before the shop's next turn.
	fmt.Fprintf(stdout, "imported shop %q (id %d, version %d): %d products, %d rules, %d phrases into %s\n",
		shop.Name, info.ID, info.Version, len(shop.Products), len(shop.Rules), len(shop.Phrases), db.Path())
	return nil
}

// exportCmd writes a shop back as a bundle that imports to the same thing.
type exportCmd struct{}

func (*exportCmd) Name() string { return "export" }
func (*exportCmd) Synopsis() string {
	return "write a shop's knowledge as a bundle (stdout or -o FILE)"
}

func (c *exportCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-data DIR] [-shop NAME] [-o FILE]")
	data := fs.String("data", defaultDataDir, "data directory")
	name := fs.String("shop", "", "shop name (default: the store's only shop)")
	out := fs.String("o", "", "output file (default: stdout)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := os.Stat(storePath(*data)); err != nil {
		return fmt.Errorf("no store in %s: %w", *data, err)
	}
	db, err := sqlite.Open(ctx, storePath(*data))
	if err != nil {
		return err
	}
	defer db.Close()
	in, err := pickShop(ctx, db, *name)
	if err != nil {
		return err
	}
	shop, err := db.Shop(ctx, in.Name)
	if err != nil {
		return err
	}
	if *out == "" {
		return bundle.Write(stdout, shop)
	}
	// Write beside the target and rename, so a failed export never leaves a
	// half-written bundle where a good one was.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".export-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := bundle.Write(tmp, shop); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), *out)
}
