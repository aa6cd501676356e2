package kb

// The rules of a phrase change that do not depend on where it is stored.
// Both stores (kb/sqlite, kb/postgres) read the current state, call these,
// and write what they return, so the workspace answers the same on either.

// Target is the id of the phrase ch changes, refused if it or the author
// is missing.
func (ch PhraseChange) Target() (string, error) {
	id := ch.PhraseID
	if ch.Action == PhraseCreate || ch.Action == PhraseEdit {
		id = ch.Phrase.ID
	}
	if id == "" {
		return "", Errorf(EInvalid, "话术编号不能为空 (phrase id is required)")
	}
	if ch.Author == "" {
		return "", Errorf(EInvalid, "a change needs an author")
	}
	return id, nil
}

// Next is the state ch leaves phrase id in, given its current state (exists
// false when there is none) and, for a rollback, the state of the version
// it goes back to. It refuses a change that makes no sense for the current
// state; Check, and the store's check of the short code, come after.
func (ch PhraseChange) Next(id string, cur PhraseState, exists bool, rollbackTo PhraseState) (PhraseState, error) {
	var next PhraseState
	switch ch.Action {
	case PhraseCreate:
		if exists {
			return next, Errorf(EConflict, "已有编号为 %q 的话术 (phrase %q exists)", id, id)
		}
		next = PhraseState{Phrase: ch.Phrase}
	case PhraseEdit:
		if !exists {
			return next, Errorf(ENotFound, "没有编号为 %q 的话术 (no phrase %q)", id, id)
		}
		next = PhraseState{Phrase: ch.Phrase, Retired: cur.Retired}
	case PhraseRetire, PhraseRestore:
		if !exists {
			return next, Errorf(ENotFound, "没有编号为 %q 的话术 (no phrase %q)", id, id)
		}
		retire := ch.Action == PhraseRetire
		if cur.Retired == retire {
			word := map[bool]string{true: "已停用", false: "在用中"}[retire]
			return next, Errorf(EConflict, "话术 %q %s (phrase %q is already %s)", id, word, id, ch.Action+"d")
		}
		next = cur
		next.Retired = retire
	case PhraseRollback:
		next = rollbackTo
	default:
		return next, Errorf(EInvalid, "unknown change %q", ch.Action)
	}
	next.ID = id
	next.Tags = NonNilTags(next.Tags)
	return next, nil
}

// Check refuses a state no phrase may be in: without a title or a text, or
// in a scene that does not exist. That its short code is free is the
// store's check: it needs the shop's other phrases.
func (st PhraseState) Check() error {
	if st.Title == "" || st.Text == "" {
		return Errorf(EInvalid, "话术 %q 需要标题和内容 (title and text are required)", st.ID)
	}
	if !st.Scene.Valid() {
		return Errorf(EInvalid, "场景 %q 不存在 (scene %q: want one of %v)", st.Scene, st.Scene, Scenes)
	}
	return nil
}

// CodeTaken is the error for a short code another live phrase uses.
func CodeTaken(code, other string) error {
	return Errorf(EConflict, "快捷码 /%s 已被话术 %q 使用 (code %q is taken by phrase %q)", code, other, code, other)
}

// Decidable refuses to decide v unless it is a draft.
func (v PhraseVersion) Decidable() error {
	if v.Status != VersionDraft {
		return Errorf(EConflict, "第 %d 版不是待审草稿 (version %d is %s, not a draft)", v.N, v.N, v.Status)
	}
	return nil
}

// Approvable refuses an approval of draft v by approver, with version live
// of the phrase live now: a draft is approved by a second admin only, and
// only while the version its author wrote over is still the live one
// (approving it then would undo a change its author never saw).
func (v PhraseVersion) Approvable(approver string, live int) error {
	if approver == v.Author {
		return Errorf(EForbidden, "草稿需要另一位管理员审核 (a draft is approved by a second admin, not its author %q)", v.Author)
	}
	if live != v.Base {
		return Errorf(EConflict, "草稿基于第 %d 版,现行已是第 %d 版,请重新起草 (the draft was written over version %d; version %d is live now)",
			v.Base, live, v.Base, live)
	}
	return nil
}
