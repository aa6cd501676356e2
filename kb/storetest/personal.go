package storetest

import (
	"context"
	"testing"
	"time"

	"assist/kb"
)

// testPersonal covers an agent's own phrases and the people a conversation
// is with (the buyer's name, the assignee) as the lists show them.
func testPersonal(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	li, err := db.CreateUser(ctx, "xiaoli", "correct horse", false)
	must(t, "create user", err)
	wang, err := db.CreateUser(ctx, "xiaowang", "correct horse", false)
	must(t, "create user", err)

	wantCode(t, "an empty personal phrase", db.AddPersonalPhrase(ctx, &kb.PersonalPhrase{Shop: tea.ID, User: li.ID}), kb.EInvalid)
	p := &kb.PersonalPhrase{Shop: tea.ID, User: li.ID, Text: "亲,我帮您查一下物流哦", Code: "wl"}
	must(t, "add personal phrase", db.AddPersonalPhrase(ctx, p))
	clk.advance(time.Second)
	q := &kb.PersonalPhrase{Shop: tea.ID, User: li.ID, Title: "催付", Text: "亲,库存不多了哦"}
	must(t, "add personal phrase", db.AddPersonalPhrase(ctx, q))
	if p.ID <= 0 || q.ID == p.ID || p.Title == "" {
		t.Fatalf("personal phrases %+v %+v: want ids and a title made from the text", p, q)
	}
	list, err := db.PersonalPhrases(ctx, tea.ID, li.ID)
	must(t, "list", err)
	if len(list) != 2 || list[0].ID != q.ID || list[1].Code != "wl" || !list[0].UpdatedAt.Equal(clk.now()) {
		t.Errorf("xiaoli's phrases %+v: want both, the latest edited first", list)
	}
	if others, _ := db.PersonalPhrases(ctx, tea.ID, wang.ID); len(others) != 0 {
		t.Errorf("xiaowang sees %d of xiaoli's phrases", len(others))
	}
	stolen := *p
	stolen.User = wang.ID
	wantCode(t, "editing another person's phrase", db.UpdatePersonalPhrase(ctx, &stolen), kb.ENotFound)
	wantCode(t, "deleting another person's phrase", db.DeletePersonalPhrase(ctx, tea.ID, wang.ID, p.ID), kb.ENotFound)
	clk.advance(time.Second)
	p.Text = "亲,物流已经在路上了"
	must(t, "update", db.UpdatePersonalPhrase(ctx, p))
	must(t, "delete", db.DeletePersonalPhrase(ctx, tea.ID, li.ID, q.ID))
	if list, _ := db.PersonalPhrases(ctx, tea.ID, li.ID); len(list) != 1 || list[0].Text != "亲,物流已经在路上了" {
		t.Errorf("after edit and delete: %+v", list)
	}

	// A conversation keeps the last buyer name, assignee and product any
	// turn gave; a turn that does not say leaves them.
	first := turn(tea.ID, "c1", 0, "在吗", clk.now())
	first.BuyerName, first.Assignee = "茶友甲", "xiaowang"
	must(t, "add turn", db.AddTurn(ctx, first))
	second := turn(tea.ID, "c1", 1, "好的", clk.now())
	second.Product = ""
	must(t, "add turn", db.AddTurn(ctx, second))
	clk.advance(time.Second)
	must(t, "add turn", db.AddTurn(ctx, turn(tea.ID, "c2", 0, "有杯子吗", clk.now())))
	c, err := db.Conversation(ctx, tea.ID, "c1")
	if err != nil || c.BuyerName != "茶友甲" || c.Assignee != "xiaowang" || c.Product != "p-white" || c.Turns != 2 {
		t.Errorf("conversation c1 = %+v, %v; want buyer 茶友甲, assignee xiaowang, product p-white, 2 turns", c, err)
	}
	_, err = db.Conversation(ctx, tea.ID, "c9")
	wantCode(t, "an unknown conversation", err, kb.ENotFound)
	mine, err := db.ConversationsFor(ctx, tea.ID, "xiaowang", 10)
	if err != nil || len(mine) != 2 || mine[0].ID != "c1" {
		t.Errorf("xiaowang's list %+v, %v; want c1 (theirs) before the newer c2", mine, err)
	}
	if got, _ := db.Turn(ctx, tea.ID, "c1", 0); got == nil || got.BuyerName != "茶友甲" || got.Assignee != "xiaowang" {
		t.Errorf("turn 0 read back %+v: want its buyer and assignee", got)
	}
}
