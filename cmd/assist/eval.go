package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"assist/assistant/eval"
)

func init() { register(&evalCmd{}) }

// evalCmd plays labelled cases against a shop bundle and prints the figures.
type evalCmd struct{}

func (*evalCmd) Name() string { return "eval" }
func (*evalCmd) Synopsis() string {
	return "score the assistant on labelled cases (fresh temporary store per run)"
}

func (c *evalCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "-shop SHOP.json -cases CASES.jsonl [-json]")
	shop := fs.String("shop", "", "shop bundle (JSON)")
	cases := fs.String("cases", "", "labelled cases (JSON Lines)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *shop == "" || *cases == "" {
		fmt.Fprintln(stderr, "eval needs -shop and -cases")
		fs.Usage()
		return errUsage
	}
	report, err := eval.Files(ctx, *shop, *cases)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(report)
	}
	report.WriteTable(stdout)
	return nil
}
