// Package promise finds the ship and delivery times an agent commits to in a
// chat sentence and checks each against what the shop can guarantee for the
// product: its shipping window, pre-sale or made-to-order status and the
// shop's same-day cutoff. The words it reacts to live in lexicon.txt; the time
// grammar (numbers, clocks, dates, durations) is code.
package promise

import (
	"fmt"
	"time"
)

// Terms are what the shop can guarantee for one product.
type Terms struct {
	ShipWithinHours int            // the product's window (its own, else the shop's)
	PreSale         bool           // ships late by design (预售)
	MadeToOrder     bool           // made or altered to order (定制, 修改裤长, 刻字 …)
	Cutoff          *Clock         // shop's same-day cutoff, nil if none
	Location        *time.Location // shop's timezone
}

// Clock is a time of day.
type Clock struct{ Hour, Minute int }

// String prints the clock as 16:00.
func (c Clock) String() string { return fmt.Sprintf("%d:%02d", c.Hour, c.Minute) }

// Kind says what a promise is about.
type Kind string

// The two kinds of promise: the shop hands the parcel over (ship), or the
// buyer has it (deliver).
const (
	Ship    Kind = "ship"
	Deliver Kind = "deliver"
)

// Promise is one time commitment found in a sentence.
type Promise struct {
	Kind        Kind
	Words       string    // the words in the original text that make the promise, e.g. "明天一定给您发出"
	Deadline    time.Time // latest moment the promise allows, in Location
	Hedged      bool      // 预计, 尽量, 一般, 大概, 以快递为准, 争取 …
	Guaranteed  bool      // 一定, 保证, 肯定, 绝对, 百分百 …
	Condition   string    // e.g. "16点前付款" when the promise depends on paying before a time
	ConditionBy time.Time // the time the condition names (zero if none)
}

// Verdict says whether a promise is one the shop can keep.
type Verdict struct {
	Promise Promise
	OK      bool
	Reason  string // one line an agent reads at a glance, in Chinese
}
