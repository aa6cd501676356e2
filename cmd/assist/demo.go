package main

import (
	_ "embed"

	"assist/kb"
	"assist/kb/bundle"
)

// demoBundle is the built-in demo shop (a tea shop with a pre-sale item, a
// made-to-order item and bundles) that `assist serve` loads into an empty store.
//
//go:embed demo/shop.json
var demoBundle []byte

// demoShop parses the built-in demo bundle.
func demoShop() (*kb.Shop, error) { return bundle.Parse("demo/shop.json", demoBundle) }
