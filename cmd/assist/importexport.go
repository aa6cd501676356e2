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
	fs := newFlags(c, stderr, "[-data DIR] -shop FILE | [-data DIR] -phrases-csv FILE [-shop NAME] [-replace]")
	data := fs.String("data", defaultDataDir, "data directory (SQLite file and index)")
	file := fs.String("shop", "", "shop bundle (JSON) to import; with -phrases-csv, the name of the shop in the store")
	csvFile := fs.String("phrases-csv", "", "a phrases sheet (CSV) to merge into a shop already in the store")
	replace := fs.Bool("replace", false, "with -phrases-csv: the sheet becomes the shop's whole list of phrases")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *csvFile != "" {
		return importPhrasesCSV(ctx, stdout, *data, *file, *csvFile, *replace)
	}
	if *replace {
		fmt.Fprintln(stderr, "-replace goes with -phrases-csv; a bundle always replaces its shop")
		fs.Usage()
		return errUsage
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
	// A running server sees the new version within a second (kb/sqlite versionFresh).
	fmt.Fprintf(stdout, "imported shop %q (id %d, version %d): %d products, %d rules, %d phrases into %s\n",
		shop.Name, info.ID, info.Version, len(shop.Products), len(shop.Rules), len(shop.Phrases), db.Path())
	return nil
}

// importPhrasesCSV merges or replaces a stored shop's phrases from a sheet,
// in one transaction: a sheet with any problem changes nothing.
func importPhrasesCSV(ctx context.Context, stdout io.Writer, dataDir, shopName, file string, replace bool) error {
	raw, err := readLimited(file)
	if err != nil {
		return err
	}
	db, err := openExisting(ctx, dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	in, err := pickShop(ctx, db, shopName)
	if err != nil {
		return err
	}
	shop, err := db.Shop(ctx, in.Name)
	if err != nil {
		return err
	}
	mode, verb := bundle.MergePhrases, "merged"
	if replace {
		mode, verb = bundle.ReplacePhrases, "replaced the phrases with"
	}
	updated, err := bundle.ReadPhrasesCSV(file, raw, shop, mode)
	if err != nil {
		return err
	}
	if _, err := db.ImportShop(ctx, updated); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "shop %q: %s %s; %d phrases now (were %d)\n", in.Name, verb, file, len(updated.Phrases), len(shop.Phrases))
	return nil
}

// readLimited reads a file the user names, refusing one too large to be a sheet.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, bundle.MaxFileSize+1))
}

// exportCmd writes a shop back as a bundle that imports to the same thing.
type exportCmd struct{}

func (*exportCmd) Name() string { return "export" }
func (*exportCmd) Synopsis() string {
	return "write a shop's knowledge as a bundle (stdout or -o FILE)"
}

func (c *exportCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-data DIR] [-shop NAME] [-phrases-csv] [-o FILE]")
	data := fs.String("data", defaultDataDir, "data directory")
	name := fs.String("shop", "", "shop name (default: the store's only shop)")
	out := fs.String("o", "", "output file (default: stdout)")
	asCSV := fs.Bool("phrases-csv", false, "write only the phrases, as a sheet Excel opens (UTF-8 with BOM)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := openExisting(ctx, *data)
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
	write := func(w io.Writer) error { return bundle.Write(w, shop) }
	if *asCSV {
		write = func(w io.Writer) error { return bundle.WritePhrasesCSV(w, shop.Phrases) }
	}
	if *out == "" {
		return write(stdout)
	}
	// Write beside the target and rename, so a failed export never leaves a
	// half-written bundle where a good one was.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), *out)
}
