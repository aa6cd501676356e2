package kb

import "testing"

func TestPhraseChangeNext(t *testing.T) {
	cur := PhraseState{Phrase: Phrase{ID: "h1", Scene: SceneUpsell, Title: "套餐", Text: "亲,{套餐}更划算", Code: "tc"}}
	retired := cur
	retired.Retired = true
	edit := Phrase{ID: "h1", Scene: SceneUpsell, Title: "套餐", Text: "亲,选{套餐}更省"}
	for _, tt := range []struct {
		name     string
		ch       PhraseChange
		cur      PhraseState
		exists   bool
		wantCode string
		want     PhraseState
	}{
		{name: "create", ch: PhraseChange{Action: PhraseCreate, Phrase: edit}, want: PhraseState{Phrase: Phrase{ID: "h1",
			Scene: SceneUpsell, Title: "套餐", Text: "亲,选{套餐}更省", Tags: []string{}}}},
		{name: "create over an existing one", ch: PhraseChange{Action: PhraseCreate, Phrase: edit}, cur: cur, exists: true, wantCode: EConflict},
		{name: "edit keeps it retired", ch: PhraseChange{Action: PhraseEdit, Phrase: edit}, cur: retired, exists: true,
			want: PhraseState{Phrase: Phrase{ID: "h1", Scene: SceneUpsell, Title: "套餐", Text: "亲,选{套餐}更省", Tags: []string{}}, Retired: true}},
		{name: "edit a missing one", ch: PhraseChange{Action: PhraseEdit, Phrase: edit}, wantCode: ENotFound},
		{name: "retire twice", ch: PhraseChange{Action: PhraseRetire}, cur: retired, exists: true, wantCode: EConflict},
		{name: "restore a live one", ch: PhraseChange{Action: PhraseRestore}, cur: cur, exists: true, wantCode: EConflict},
		{name: "an unknown action", ch: PhraseChange{Action: "delete"}, cur: cur, exists: true, wantCode: EInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ch.Next("h1", tt.cur, tt.exists, PhraseState{})
			if ErrorCode(err) != tt.wantCode && (err != nil || tt.wantCode != "") {
				t.Fatalf("error %v, want code %q", err, tt.wantCode)
			}
			if tt.wantCode == "" && EncodePhraseState(got) != EncodePhraseState(tt.want) {
				t.Errorf("next = %s, want %s", EncodePhraseState(got), EncodePhraseState(tt.want))
			}
		})
	}
}

func TestDraftApproval(t *testing.T) {
	draft := PhraseVersion{N: 3, Status: VersionDraft, Author: "ann", Base: 2}
	if err := draft.Approvable("ann", 2); ErrorCode(err) != EForbidden {
		t.Errorf("the author approves: %v, want forbidden", err)
	}
	if err := draft.Approvable("bob", 3); ErrorCode(err) != EConflict {
		t.Errorf("approving over a newer live version: %v, want conflict", err)
	}
	if err := draft.Approvable("bob", 2); err != nil {
		t.Errorf("a second admin over the version the draft saw: %v", err)
	}
	draft.Status = VersionRejected
	if err := draft.Decidable(); ErrorCode(err) != EConflict {
		t.Errorf("deciding a rejected version: %v, want conflict", err)
	}
}
