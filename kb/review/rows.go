package review

import (
	"time"

	"assist/kb"
)

// Filter narrows a review page. From and To are local dates (YYYY-MM-DD),
// both included; empty means open. Agent, Product and Scene are exact
// matches; empty means all.
type Filter struct {
	From, To string
	Agent    string
	Product  string
	Scene    string // a phrase's scene, or a nudge's kind
}

// AgentRow is one agent's figures for one ISO week, with the 质检 of their
// consultations: the rollup of AgentWeek.
type AgentRow struct {
	AgentWeek
	Checked   int // consultations with a 质检 (answered)
	ScoreSum  int // their scores summed
	Promise   int // consultations with each problem
	Admission int
	Wording   int
	Discount  int
	Greeting  int // consultations whose first reply greets
	Closing   int // and whose last reply closes
}

// AverageScore is the mean 质检 score, 0 when nothing was checked.
func (a AgentRow) AverageScore() float64 { return ratio(a.ScoreSum, a.Checked) }

// SuggestionRow is one suggestion's figures over a filter.
type SuggestionRow struct {
	SuggestionFigures
	Scene string
	Title string // the phrase's or rule's title, the nudge's label
}

// TrendPoint is one day (or week) of all suggestions together.
type TrendPoint struct {
	Period    string // "2026-11-30" or "2026-W48"
	Shown     int
	Used      int
	Typed     int
	Dismissed int
}

// UseRate is Used / Shown.
func (t TrendPoint) UseRate() float64 { return ratio(t.Used, t.Shown) }

// ConversationRow is one conversation behind an agent's figure.
type ConversationRow struct {
	Conversation  string
	Agent         string
	Week          string
	Day           string
	Product       string
	Replied       bool
	Converted     bool
	PaidAmount    kb.Money
	FirstResponse time.Duration // 0 when unanswered
	Responses     int
	ResponseTotal time.Duration
	Quality       Quality
	Checked       bool
}

// Figures of an agent's week a conversation list can be narrowed to.
const (
	FigureAll        = ""
	FigureUnreplied  = "unreplied"
	FigureConverted  = "converted"
	FigurePromise    = "promise"
	FigureAdmission  = "admission"
	FigureWording    = "wording"
	FigureDiscount   = "discount"
	FigureNoGreeting = "no_greeting"
	FigureNoClosing  = "no_closing"
	FigureLowScore   = "low_score" // 质检 below 80
)

// ValidFigure reports whether f is one of the figures above.
func ValidFigure(f string) bool {
	switch f {
	case FigureAll, FigureUnreplied, FigureConverted, FigurePromise, FigureAdmission, FigureWording,
		FigureDiscount, FigureNoGreeting, FigureNoClosing, FigureLowScore:
		return true
	}
	return false
}
