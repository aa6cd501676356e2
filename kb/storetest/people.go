package storetest

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"assist/kb"
)

func testPeople(t *testing.T, f Factory) {
	ctx := context.Background()
	db, _ := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	phone, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import", err)

	_, err = db.CreateUser(ctx, "bad name", "long enough", false)
	wantCode(t, "a name with a space", err, kb.EInvalid)
	_, err = db.CreateUser(ctx, "xiaoli", "short", false)
	wantCode(t, "a short password", err, kb.EInvalid)

	li, err := db.CreateUser(ctx, "xiaoli", "correct horse", false)
	must(t, "create user", err)
	if li.ID <= 0 || li.Owner || len(li.Shops) != 0 {
		t.Fatalf("new user %+v: want an id, not an owner, in no shop", li)
	}
	_, err = db.CreateUser(ctx, "xiaoli", "another one", false)
	wantCode(t, "a second user of the same name", err, kb.EConflict)
	boss, err := db.CreateUser(ctx, "boss", "correct horse", true)
	must(t, "create owner", err)
	if n, err := db.CountUsers(ctx); err != nil || n != 2 {
		t.Errorf("CountUsers = %d, %v; want 2", n, err)
	}

	must(t, "grant", db.Grant(ctx, li.ID, phone.ID, kb.RoleAgent))
	must(t, "grant", db.Grant(ctx, li.ID, tea.ID, kb.RoleAgent))
	must(t, "grant again (replaces)", db.Grant(ctx, li.ID, tea.ID, kb.RoleManager))
	must(t, "grant", db.Grant(ctx, boss.ID, tea.ID, kb.RoleAdmin))
	wantCode(t, "grant a bad role", db.Grant(ctx, li.ID, tea.ID, "boss"), kb.EInvalid)
	wantCode(t, "grant in an unknown shop", db.Grant(ctx, li.ID, phone.ID+100, kb.RoleAgent), kb.ENotFound)
	wantCode(t, "grant to an unknown user", db.Grant(ctx, boss.ID+100, tea.ID, kb.RoleAgent), kb.ENotFound)

	u, err := db.User(ctx, "xiaoli")
	must(t, "read user", err)
	wantShops := []kb.Membership{{ShopID: tea.ID, ShopName: "茶铺", Role: kb.RoleManager},
		{ShopID: phone.ID, ShopName: "手机店", Role: kb.RoleAgent}}
	if !reflect.DeepEqual(u.Shops, wantShops) || u.RoleIn(tea.ID) != kb.RoleManager {
		t.Errorf("memberships %+v, want %+v (shop id order)", u.Shops, wantShops)
	}
	if !u.CreatedAt.Equal(li.CreatedAt) {
		t.Errorf("created at %v, want %v", u.CreatedAt, li.CreatedAt)
	}

	members, err := db.Members(ctx, tea.ID)
	must(t, "members", err)
	if len(members) != 2 || members[0].Name != "boss" || members[1].Name != "xiaoli" ||
		members[0].RoleIn(tea.ID) != kb.RoleAdmin || !members[0].Owner {
		t.Errorf("members of the tea shop %+v, want boss (admin, owner) then xiaoli", members)
	}
	must(t, "ungrant", db.Ungrant(ctx, li.ID, tea.ID))
	must(t, "ungrant again", db.Ungrant(ctx, li.ID, tea.ID))
	if u, _ := db.User(ctx, "xiaoli"); u.RoleIn(tea.ID) != "" || u.RoleIn(phone.ID) != kb.RoleAgent {
		t.Errorf("after ungrant: %+v, want only the phone shop", u.Shops)
	}

	must(t, "set owner", db.SetOwner(ctx, li.ID, true))
	if u, _ := db.User(ctx, "xiaoli"); !u.Owner {
		t.Error("SetOwner(true) did not make an owner")
	}
	wantCode(t, "set owner of nobody", db.SetOwner(ctx, boss.ID+100, true), kb.ENotFound)
	_, err = db.User(ctx, "nobody")
	wantCode(t, "User of nobody", err, kb.ENotFound)

	if u, err := db.Authenticate(ctx, "xiaoli", "correct horse"); err != nil || u.ID != li.ID {
		t.Errorf("right password: %+v, %v", u, err)
	}
	_, err = db.Authenticate(ctx, "xiaoli", "wrong horse")
	wantCode(t, "wrong password", err, kb.EUnauthorized)
	_, err = db.Authenticate(ctx, "nobody", "correct horse")
	wantCode(t, "unknown name", err, kb.EUnauthorized)
}

func testSessions(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	li, err := db.CreateUser(ctx, "xiaoli", "correct horse", false)
	must(t, "create user", err)

	id, s, err := db.CreateSession(ctx, li, time.Hour)
	must(t, "create session", err)
	if id == "" || !s.ExpiresAt.Equal(clk.now().Add(time.Hour)) {
		t.Fatalf("session %q %+v: want an id expiring in an hour", id, s)
	}
	got, err := db.Session(ctx, id)
	must(t, "read session", err)
	if got.User.ID != li.ID || len(got.User.Shops) != 0 {
		t.Errorf("session user %+v, want xiaoli in no shop", got.User)
	}
	// A grant counts at the session's next request.
	must(t, "grant", db.Grant(ctx, li.ID, tea.ID, kb.RoleAgent))
	if got, err := db.Session(ctx, id); err != nil || got.User.RoleIn(tea.ID) != kb.RoleAgent {
		t.Errorf("after grant the session reads %+v, %v; want agent of the tea shop", got, err)
	}
	// The sockets' checks ask many sessions at once: the role in each
	// shop asked, "" for a shop without one or a session unknown.
	other, err := db.ImportShop(ctx, teaShop("茶铺二"))
	must(t, "import", err)
	asks := []kb.SessionShop{{Session: id, Shop: tea.ID}, {Session: id, Shop: other.ID},
		{Session: "not-a-session", Shop: tea.ID}, {Session: "", Shop: tea.ID}, {Session: id, Shop: -1}}
	wantRoles(t, db, "sessions' roles", asks, kb.RoleAgent, "", "", "", "")
	many := make([]kb.SessionShop, 1201) // more than one query's worth
	want := make([]kb.Role, len(many))
	for i := range many {
		many[i] = asks[i%2]
		if i%2 == 0 {
			want[i] = kb.RoleAgent
		}
	}
	wantRoles(t, db, "1,201 asks", many, want...)
	must(t, "grant", db.Grant(ctx, li.ID, tea.ID, kb.RoleManager))
	wantRoles(t, db, "after a new grant", asks[:1], kb.RoleManager)
	if roles, err := db.SessionRoles(ctx, nil); err != nil || len(roles) != 0 {
		t.Errorf("no asks: %v, %v; want none", roles, err)
	}
	_, err = db.Session(ctx, "not-a-session")
	wantCode(t, "unknown session", err, kb.EUnauthorized)
	_, err = db.Session(ctx, "")
	wantCode(t, "no session", err, kb.EUnauthorized)

	clk.advance(time.Hour)
	_, err = db.Session(ctx, id)
	wantCode(t, "expired session", err, kb.EUnauthorized)
	wantRoles(t, db, "an expired session's roles", asks[:1], "")

	id2, _, err := db.CreateSession(ctx, li, time.Hour)
	must(t, "create session", err)
	must(t, "log out", db.DeleteSession(ctx, id2))
	must(t, "log out again", db.DeleteSession(ctx, id2))
	_, err = db.Session(ctx, id2)
	wantCode(t, "logged-out session", err, kb.EUnauthorized)
	wantRoles(t, db, "a logged-out session's roles", []kb.SessionShop{{Session: id2, Shop: tea.ID}}, "")

	// A person of several shops: the session reads each, in the shops' order.
	must(t, "grant", db.Grant(ctx, li.ID, other.ID, kb.RoleAdmin))
	id3, _, err := db.CreateSession(ctx, li, time.Hour)
	must(t, "create session", err)
	got, err = db.Session(ctx, id3)
	must(t, "read session", err)
	shops := []kb.Membership{{ShopID: tea.ID, ShopName: "茶铺", Role: kb.RoleManager}, {ShopID: other.ID, ShopName: "茶铺二", Role: kb.RoleAdmin}}
	if got.User.ID != li.ID || got.User.Name != "xiaoli" || !slices.Equal(got.User.Shops, shops) {
		t.Errorf("session of a person in two shops: %+v, want xiaoli with %+v", got.User, shops)
	}
}

func wantRoles(t *testing.T, db Store, what string, asks []kb.SessionShop, want ...kb.Role) {
	t.Helper()
	got, err := db.SessionRoles(context.Background(), asks)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: roles %q, want %q", what, got, want)
	}
}

func testTokens(t *testing.T, f Factory) {
	ctx := context.Background()
	db, clk := open(t, f)
	tea, err := db.ImportShop(ctx, teaShop("茶铺"))
	must(t, "import", err)
	phone, err := db.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	must(t, "import", err)

	_, _, err = db.CreateToken(ctx, tea.ID, "bad name")
	wantCode(t, "a token name with a space", err, kb.EInvalid)
	_, _, err = db.CreateToken(ctx, phone.ID+100, "im")
	wantCode(t, "a token in an unknown shop", err, kb.ENotFound)

	s1, t1, err := db.CreateToken(ctx, tea.ID, "im-bridge")
	must(t, "create token", err)
	s2, t2, err := db.CreateToken(ctx, phone.ID, "im-bridge")
	must(t, "create token", err)
	if s1 == s2 || t1.ID == t2.ID || !t1.CreatedAt.Equal(clk.now()) {
		t.Fatalf("tokens %+v %+v: want distinct secrets and ids, created now", t1, t2)
	}
	got, err := db.TokenBySecret(ctx, s2)
	if err != nil || got.ID != t2.ID || got.Shop != phone.ID || got.Name != "im-bridge" {
		t.Errorf("TokenBySecret = %+v, %v; want %+v", got, err, t2)
	}
	for _, bad := range []string{"", "ast_nope", s1 + "x", "Bearer " + s1} {
		_, err := db.TokenBySecret(ctx, bad)
		wantCode(t, "TokenBySecret("+bad+")", err, kb.EUnauthorized)
	}
	list, err := db.Tokens(ctx)
	must(t, "list tokens", err)
	if len(list) != 2 || list[0].ID != t1.ID || list[1].ID != t2.ID {
		t.Errorf("Tokens = %+v, want t1 then t2", list)
	}

	// Revoking the newest token, then issuing another, must not hand its
	// id out again: "revoke 2" said twice must not revoke a stranger.
	rev, err := db.RevokeToken(ctx, t2.ID)
	if err != nil || rev.ID != t2.ID || rev.Shop != phone.ID {
		t.Fatalf("revoke = %+v, %v", rev, err)
	}
	_, err = db.TokenBySecret(ctx, s2)
	wantCode(t, "a revoked token", err, kb.EUnauthorized)
	_, err = db.RevokeToken(ctx, t2.ID)
	wantCode(t, "revoke twice", err, kb.ENotFound)
	_, t3, err := db.CreateToken(ctx, phone.ID, "im-bridge-2")
	must(t, "create token", err)
	if t3.ID <= t2.ID {
		t.Errorf("a new token took id %d after id %d was revoked: ids must never be reused", t3.ID, t2.ID)
	}
	if _, err := db.TokenBySecret(ctx, s1); err != nil {
		t.Errorf("revoking another token refused this one: %v", err)
	}
}
