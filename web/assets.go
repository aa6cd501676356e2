package web

import (
	"embed"
	"io/fs"
)

// static holds the panel's pages and assets, written in web/static and
// embedded so the binary serves them alone.
//
//go:embed static
var static embed.FS

func staticFiles() (fs.FS, error) { return fs.Sub(static, "static") }
