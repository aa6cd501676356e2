package kb

import "time"

// PhraseAction is what a change did to a phrase.
type PhraseAction string

const (
	PhraseCreate   PhraseAction = "create"
	PhraseEdit     PhraseAction = "edit"
	PhraseRetire   PhraseAction = "retire"   // hidden from suggestions, kept
	PhraseRestore  PhraseAction = "restore"  // suggested again
	PhraseRollback PhraseAction = "rollback" // back to an earlier version's content
	PhraseImport   PhraseAction = "import"   // written by a bundle or sheet upload, or found before any edit
)

// VersionStatus is where a phrase version stands: a draft waits for a second
// admin in shops that require approval; approval makes it live at once.
type VersionStatus string

const (
	VersionDraft    VersionStatus = "draft"
	VersionLive     VersionStatus = "live"
	VersionRejected VersionStatus = "rejected"
)

// PhraseState is a phrase as the admin sees it: its content and whether it
// is retired. A version holds one whole state.
type PhraseState struct {
	Phrase
	Retired bool
}

// PhraseVersion is one change of a phrase: who made it, when, and the whole
// phrase after it.
type PhraseVersion struct {
	PhraseID   string
	N          int // 1, 2, … per phrase
	Action     PhraseAction
	Status     VersionStatus
	Author     string
	At         time.Time
	State      PhraseState
	Base       int // the live version the change was made over (0: none)
	RollbackTo int // for a rollback: the version whose content it restores
	ApprovedBy string
	ApprovedAt time.Time
}

// PhraseChange is what an admin asks of a phrase.
type PhraseChange struct {
	Action     PhraseAction
	Phrase     Phrase // create, edit: the phrase's new content (its ID names it)
	PhraseID   string // retire, restore, rollback
	RollbackTo int    // rollback: the version to go back to
	Author     string
}

// AdminPhrase is a phrase of the admin's list: its state, its live version
// and the draft waiting on it, if any.
type AdminPhrase struct {
	PhraseState
	Version int // the last live version; 0 before the first recorded change
	Draft   int // a draft waiting for approval; 0 for none
}

// PhraseUsage counts how often a phrase was shown, used and dismissed over
// the last 7 and 30 days.
type PhraseUsage struct {
	Shown7, Used7, Dismissed7    int
	Shown30, Used30, Dismissed30 int
}
