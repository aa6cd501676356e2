package web_test

// Browser tests of the panel as an agent meets it on a first day: on a
// phone-width screen, typing in the reply box, calling up phrases with /
// and Alt+1, and as a manager who has no reply to write.

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"assist/kb"
)

// box is an element's place on screen.
type box struct {
	Top    float64 `json:"top"`
	Bottom float64 `json:"bottom"`
	Left   float64 `json:"left"`
	Right  float64 `json:"right"`
}

func rectOf(t *testing.T, ctx context.Context, selector string) box {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[box](`(r => ({top: r.top, bottom: r.bottom, left: r.left, right: r.right}))(document.querySelector(`+
		"`"+selector+"`"+`).getBoundingClientRect())`))
}

// enter presses Enter as a keyboard does: one keydown that carries the
// text, so a handler that prevents the keydown keeps the newline out (the
// separate char event of chromedp.KeyEvent would type it regardless).
func enter(mods ...chromedp.Modifier) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var m int64
		for _, x := range mods {
			m |= int64(x)
		}
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter",
			WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Modifiers: m, Text: "\r", UnmodifiedText: "\r"}
		if m != 0 {
			down.Text, down.UnmodifiedText = "", ""
		}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := down
		up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, up)
		return err
	})
}

// setBox puts text in the box the selector finds, as typing it at once would.
func setBox(selector, text string) chromedp.Action[chromedp.Void] {
	js, _ := json.Marshal(text)
	return chromedp.Evaluate[chromedp.Void](`(a => { a.value = ` + string(js) + `; a.dispatchEvent(new Event('input', {bubbles: true})); })(document.querySelector('` + selector + `'))`)
}

// codedPhrase gives the demo shop's first phrase of scene a short code and
// returns it; the store's version bump makes it live for the next turn.
func codedPhrase(t *testing.T, app *app, scene kb.Scene, code string) kb.Phrase {
	t.Helper()
	for _, ph := range app.shop.Phrases {
		if ph.Scene == scene && !strings.Contains(ph.Text, "{") {
			ph.Code = code
			if err := app.db.PutPhrase(context.Background(), app.shopID, ph); err != nil {
				t.Fatal(err)
			}
			return ph
		}
	}
	t.Fatalf("demo shop has no %s phrase without placeholders", scene)
	return kb.Phrase{}
}

// On a 360×740 screen the nudge and all three phrases are in the first
// screen, the conversation list and log are folded, the product card open is
// the one the buyer views, and the "copied" toast hides nothing.
func TestPanelAt360(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	token, _, err := app.db.CreateToken(context.Background(), app.shopID, "chat-platform")
	if err != nil {
		t.Fatal(err)
	}
	product, _ := productWithBundle(t, app.shop)
	postTurn(t, app.url, token, app.shopID, "narrow", `{"role":"buyer","text":"两件一起拿能便宜点吗","product":"`+product.ID+`","buyer_name":"小雨"}`)

	ctx, cancel := context.WithTimeout(browser, 40*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)
	do(t, ctx, "a phone-width window", chromedp.EmulateViewport(360, 740))
	login(t, ctx, app, "/?conversation=narrow")
	do(t, ctx, "see the suggestions",
		chromedp.WaitVisible(chromedp.CSS(`.panel .nudge`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .phrases li:nth-child(3) .phrase`)))

	height := run(t, ctx, chromedp.Evaluate[float64](`window.innerHeight`))
	third := rectOf(t, ctx, `.panel .phrases li:nth-child(3) .phrase`)
	nudge := rectOf(t, ctx, `.panel .nudge`)
	if third.Bottom > height || nudge.Top < 0 {
		t.Errorf("at 360×740 the 3rd phrase ends at %.0f px and the nudge starts at %.0f px; the window is %.0f px high", third.Bottom, nudge.Top, height)
	}
	if scrolled := run(t, ctx, chromedp.Evaluate[float64](`document.querySelector('.panel .scroll').scrollTop`)); scrolled != 0 {
		t.Errorf("the panel was scrolled by %.0f px to show them", scrolled)
	}
	if open := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('.panel .convs details').open || document.querySelector('.panel .turns').open`)); open {
		t.Error("at 360 px the conversation list or the turn log is unfolded")
	}
	// The list names the buyer and the product, not only the id.
	label := run(t, ctx, chromedp.TextContent(chromedp.CSS(`.panel .conv[data-conversation="narrow"]`)))
	if !strings.Contains(label, "小雨") || !strings.Contains(label, product.Title) {
		t.Errorf("conversation line reads %q, want the buyer 小雨 and the product %q", label, product.Title)
	}
	opened := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.panel details.product[open]')].map(d => d.dataset.productId)`))
	if len(opened) != 1 || opened[0] != product.ID {
		t.Errorf("product cards open: %v, want only the one in view, %s", opened, product.ID)
	}
	if hint := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('.panel .phrases').parentElement.textContent`)); !strings.Contains(hint, "Alt+1/2/3") {
		t.Errorf("the phrases section does not say Alt+1/2/3 works while typing: %q", hint)
	}
	savePanel(t, ctx, "panel-360.png")

	// Use phrase 1: the toast shows inside the header bar, over nothing.
	do(t, ctx, "use phrase 1",
		chromedp.Blur(chromedp.CSS(`.panel textarea.draft`)),
		chromedp.KeyEvent("1"),
		chromedp.WaitVisible(chromedp.CSS(`.panel .toast.show`)))
	toast, bar := rectOf(t, ctx, `.panel .toast`), rectOf(t, ctx, `.panel .bar`)
	if toast.Top < bar.Top || toast.Bottom > bar.Bottom {
		t.Errorf("the toast (%+v) leaves the header bar (%+v) and covers the panel", toast, bar)
	}
	for _, sel := range []string{`.panel .conn`, `.panel .who`} {
		r := rectOf(t, ctx, sel)
		if r.Right > toast.Left && r.Left < toast.Right && r.Bottom > toast.Top && r.Top < toast.Bottom {
			t.Errorf("the toast (%+v) covers %s (%+v)", toast, sel, r)
		}
	}
	saveArtifact(t, "panel-360-toast.png", run(t, ctx, chromedp.Screenshot(chromedp.CSS(`#panel`))))
	console.check(t)
}

// The reply box of the demo page is checked as the agent types: the risky
// words are marked under it, Alt+Enter takes the compliant wording, and a
// reply with flags the agent has not seen is held once before it is sent.
func TestReplyBoxCheck(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	ctx, cancel := context.WithTimeout(browser, 40*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)
	login(t, ctx, app, "/demo")
	product, _ := productWithBundle(t, app.shop)
	do(t, ctx, "pick a product", chromedp.WaitReady(chromedp.CSS(`#product option[value="`+product.ID+`"]`)),
		chromedp.SetValue(chromedp.CSS(`#product`), product.ID))
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.panel textarea.draft').length`)); n != 0 {
		t.Errorf("the demo shows %d extra draft boxes beside its reply box", n)
	}

	do(t, ctx, "the buyer asks about shipping",
		chromedp.SendKeys(chromedp.CSS(`#buyer-input`), "今天下单什么时候发货"),
		chromedp.Click(chromedp.CSS(`#buyer-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#messages .msg[data-turn="0"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .now-text`)))

	const risky = "亲,今天一定给您发出,保证明天到"
	do(t, ctx, "type a risky reply",
		chromedp.SendKeys(chromedp.CSS(`#agent-input`), risky),
		chromedp.WaitVisible(chromedp.CSS(`#agent-check .draft-echo mark`)),
		chromedp.WaitVisible(chromedp.CSS(`#agent-check .issue[data-kind="shipping_promise"]`)))
	marked := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#agent-check .draft-echo mark')].map(m => m.textContent)`))
	for _, w := range marked {
		if !strings.Contains(risky, w) {
			t.Errorf("marks %q, which the reply does not hold", w)
		}
	}
	if hint := run(t, ctx, chromedp.TextContent(chromedp.CSS(`#agent-check .take-hint`))); !strings.Contains(hint, "Alt+Enter") {
		t.Errorf("no Alt+Enter hint under the box: %q", hint)
	}
	fix := run(t, ctx, chromedp.TextContent(chromedp.CSS(`#agent-check .issue[data-kind="shipping_promise"] .suggested p`)))
	saveArtifact(t, "demo-reply-check.png", run(t, ctx, chromedp.FullScreenshot(100)))

	// Enter holds the reply once: nothing is sent, the notice says why.
	do(t, ctx, "try to send it",
		enter(),
		chromedp.WaitVisible(chromedp.CSS(`#demo-notice`)))
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#messages .msg.role-agent').length`)); n != 0 {
		t.Errorf("a reply with unseen flags was sent (%d messages)", n)
	}

	do(t, ctx, "take the compliant wording with Alt+Enter",
		chromedp.Focus(chromedp.CSS(`#agent-input`)),
		enter(chromedp.ModifierAlt),
		chromedp.WaitVisible(chromedp.CSS(`#agent-check .ok`)))
	if got := run(t, ctx, chromedp.Value(chromedp.CSS(`#agent-input`))); got != fix {
		t.Errorf("reply box after Alt+Enter = %q, want the compliant wording %q", got, fix)
	}
	do(t, ctx, "send the clean reply",
		enter(),
		chromedp.WaitVisible(chromedp.CSS(`#messages .msg.role-agent`)))

	// A risky reply sent anyway: the second Enter sends it.
	do(t, ctx, "send a flagged reply on purpose",
		chromedp.SendKeys(chromedp.CSS(`#agent-input`), risky),
		chromedp.WaitVisible(chromedp.CSS(`#agent-check .draft-echo mark`)),
		enter(), chromedp.WaitVisible(chromedp.CSS(`#demo-notice`)),
		enter(),
		chromedp.WaitVisible(chromedp.CSS(`#messages .msg[data-turn="2"]`)))
	console.check(t)
}

// / and a short code in the reply box call up the shop's phrase, filled,
// with Enter; the agent's own phrases come tagged 我的; Alt+1 uses the top
// phrase while the agent types.
func TestSlashSearchAndAltKeys(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	greeting := codedPhrase(t, app, kb.SceneGreeting, "hi")
	token, _, err := app.db.CreateToken(context.Background(), app.shopID, "chat-platform")
	if err != nil {
		t.Fatal(err)
	}
	product, _ := productWithBundle(t, app.shop)
	postTurn(t, app.url, token, app.shopID, "slash", `{"role":"buyer","text":"能便宜点吗","product":"`+product.ID+`"}`)

	ctx, cancel := context.WithTimeout(browser, 40*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)
	login(t, ctx, app, "/?conversation=slash")
	do(t, ctx, "see the phrases", chromedp.WaitVisible(chromedp.CSS(`.panel .phrases .phrase`)))
	top := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.panel .phrase')].map(b => b.dataset.phraseId)`))

	do(t, ctx, "press / and type the code",
		chromedp.Blur(chromedp.CSS(`.panel textarea.draft`)),
		chromedp.KeyEvent("/"),
		chromedp.KeyEvent("hi"),
		chromedp.WaitVisible(chromedp.CSS(`.panel .phrase-search .search-item[data-phrase-id="`+greeting.ID+`"]`)))
	if typed := run(t, ctx, chromedp.Value(chromedp.CSS(`.panel textarea.draft`))); typed != "/hi" {
		t.Errorf("after / and hi the reply box holds %q, want /hi", typed)
	}
	saveArtifact(t, "panel-slash.png", run(t, ctx, chromedp.Screenshot(chromedp.CSS(`#panel`))))
	do(t, ctx, "Enter inserts it",
		enter(),
		chromedp.WaitNotVisible(chromedp.CSS(`.panel .phrase-search`)))
	if got := run(t, ctx, chromedp.Value(chromedp.CSS(`.panel textarea.draft`))); got != greeting.Text {
		t.Errorf("reply box after /hi Enter = %q, want %q", got, greeting.Text)
	}
	after := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.panel .phrase')].map(b => b.dataset.phraseId)`))
	if strings.Join(after, ",") != strings.Join(top, ",") {
		t.Errorf("the top phrases changed from %v to %v after a search", top, after)
	}

	// A phrase of the agent's own, found by its code, filled for the product.
	do(t, ctx, "keep a personal phrase",
		setBox(`.panel textarea.draft`, "{商品}今天拍下我给您备注好"),
		chromedp.Click(chromedp.CSS(`.panel .keep`)),
		chromedp.SendKeys(chromedp.CSS(`.panel .keep-code`), "bz"),
		chromedp.Click(chromedp.CSS(`.panel .keep-form button[type=submit]`)),
		chromedp.WaitNotVisible(chromedp.CSS(`.panel .keep-form`)),
		setBox(`.panel textarea.draft`, ""),
		chromedp.SendKeys(chromedp.CSS(`.panel textarea.draft`), "/bz"),
		chromedp.WaitVisible(chromedp.CSS(`.panel .search-item[data-mine="1"] .mine-tag`)))
	mine := run(t, ctx, chromedp.TextContent(chromedp.CSS(`.panel .search-item[data-mine="1"] .search-text`)))
	if mine != product.Title+"今天拍下我给您备注好" {
		t.Errorf("personal phrase shows %q, want it filled with %q", mine, product.Title)
	}
	do(t, ctx, "delete it from the search",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('.panel .search-item[data-mine="1"] .search-delete').dispatchEvent(new MouseEvent('mousedown', {bubbles: true}))`),
		chromedp.WaitNotPresent(chromedp.CSS(`.panel .search-item[data-mine="1"]`)))
	agent, err := app.db.User(context.Background(), app.agent)
	if err != nil {
		t.Fatal(err)
	}
	if left, err := app.db.PersonalPhrases(context.Background(), app.shopID, agent.ID); err != nil || len(left) != 0 {
		t.Errorf("after delete the store holds %+v, %v", left, err)
	}
	do(t, ctx, "close the search", chromedp.KeyEvent("\x1b"), setBox(`.panel textarea.draft`, "亲,"))

	// Alt+1 while typing in the reply box uses the top phrase.
	first := run(t, ctx, chromedp.TextContent(chromedp.CSS(`.panel .phrases li:first-child .phrase-text`)))
	do(t, ctx, "Alt+1 in the reply box",
		chromedp.Focus(chromedp.CSS(`.panel textarea.draft`)),
		chromedp.KeyEvent("1", chromedp.KeyModifiers(chromedp.ModifierAlt)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .phrases li.used`)))
	if got := run(t, ctx, chromedp.Value(chromedp.CSS(`.panel textarea.draft`))); got != first {
		t.Errorf("reply box after Alt+1 = %q, want phrase 1 %q", got, first)
	}
	waitForEvent(t, ctx, app.db, kb.Event{Shop: app.shopID, Conversation: "slash", Turn: 0, Agent: app.agent,
		SuggestionID: top[0], Kind: kb.SuggestionPhrase, Action: kb.ActionUsed})
	console.check(t)
}

// A manager opening the panel gets a page they can use: conversations and
// how the suggestions fare, no reply box that would refuse them; the demo
// page sends them there; an owner without a shop is pointed at /owner.
func TestManagerAndOwnerLanding(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	bg := context.Background()
	u, err := app.db.CreateUser(bg, "laowang", "manager-2026", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.db.Grant(bg, u.ID, app.shopID, kb.RoleManager); err != nil {
		t.Fatal(err)
	}
	token, _, err := app.db.CreateToken(bg, app.shopID, "chat-platform")
	if err != nil {
		t.Fatal(err)
	}
	postTurn(t, app.url, token, app.shopID, "m-1", `{"role":"buyer","text":"能便宜点吗","buyer_name":"小雨"}`)

	ctx, cancel := context.WithTimeout(browser, 40*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)
	app.agent, app.password = "laowang", "manager-2026"
	login(t, ctx, app, "/")
	do(t, ctx, "see the manager's view",
		chromedp.WaitVisible(chromedp.CSS(`.panel .manager-note`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .nudge`)))
	if visible := run(t, ctx, chromedp.Evaluate[bool](`!!document.querySelector('.panel .check') && !document.querySelector('.panel .check').hidden`)); visible {
		t.Error("a manager sees a reply box whose checks would be refused")
	}
	savePanel(t, ctx, "panel-manager.png")

	do(t, ctx, "open the demo as a manager",
		chromedp.Navigate(app.url+"/demo"),
		chromedp.WaitVisible(chromedp.CSS(`#demo-notice a[href^="/?shop="]`)))
	notice := run(t, ctx, chromedp.TextContent(chromedp.CSS(`#demo-notice`)))
	if !strings.Contains(notice, "主管") {
		t.Errorf("the demo tells a manager %q", notice)
	}

	// An owner with no shop yet.
	if _, err := app.db.CreateUser(bg, "boss", "owner-pass-2026", true); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "log in as a shopless owner",
		chromedp.Evaluate[chromedp.Void](`fetch('/api/v1/logout', {method: 'POST'})`),
		chromedp.Sleep(200*time.Millisecond),
		chromedp.Navigate(app.url+"/login?next=/"),
		chromedp.WaitVisible(chromedp.CSS(`form#login`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "boss"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "owner-pass-2026"),
		chromedp.Click(chromedp.CSS(`form#login button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel a[href="/owner"]`)))
	console.check(t)
}

// A set shown and then taken back (the store refused its turn) leaves the
// panel: it shows the turn before again and says why.
func TestPanelTakesBackARefusedTurn(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	token, _, err := app.db.CreateToken(context.Background(), app.shopID, "chat-platform")
	if err != nil {
		t.Fatal(err)
	}
	postTurn(t, app.url, token, app.shopID, "refused", `{"role":"buyer","text":"你好"}`)

	ctx, cancel := context.WithTimeout(browser, 40*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)
	do(t, ctx, "a side-panel window", chromedp.EmulateViewport(420, 900))
	login(t, ctx, app, "/?conversation=refused")
	do(t, ctx, "see the first turn", chromedp.WaitVisible(chromedp.CSS(`.panel .now-text`)))
	// A turn pushed over the socket, as the refused one will be.
	postTurn(t, app.url, token, app.shopID, "refused", `{"role":"buyer","text":"两件一起拿能便宜点吗"}`)
	do(t, ctx, "see the second turn pushed", chromedp.WaitVisible(chromedp.CSS(`.panel .nudge`)))

	if _, err := app.db.SQL().Exec(`CREATE TRIGGER refuse BEFORE INSERT ON turns WHEN NEW.idx = 2
		BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
		t.Fatal(err)
	}
	if status, msg := postTurnStatus(t, app.url, token, app.shopID, "refused", `{"role":"buyer","text":"收到的东西坏了,外壳碎了"}`); status != http.StatusInternalServerError {
		t.Fatalf("the refused turn answered %d %s, want 500", status, msg)
	}
	// The toast's text stays after it fades.
	do(t, ctx, "hear that the set was taken back", chromedp.Poll[chromedp.Void](`document.querySelector('.panel .toast').textContent.includes('撤回')`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if now := run(t, ctx, chromedp.TextContent(chromedp.CSS(`.panel .now-text`))); now != "两件一起拿能便宜点吗" {
		t.Errorf("after the retraction the panel shows %q, want the turn before", now)
	}
	if log := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('.panel').innerText`)); strings.Contains(log, "外壳碎了") {
		t.Error("the refused line is still in the panel")
	}
	saveArtifact(t, "panel-retracted.png", run(t, ctx, chromedp.Screenshot(chromedp.CSS(`#panel`))))
	console.check(t)
}

// TestPanelReadsItsListWhileShown: the conversation list is read from the
// server while the agent can see it, not every 15 s behind a closed list.
// A chat that begins while the list is closed costs no read, and is there
// as soon as the list is opened.
func TestPanelReadsItsListWhileShown(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	token, _, err := app.db.CreateToken(context.Background(), app.shopID, "chat-platform")
	if err != nil {
		t.Fatal(err)
	}
	postTurn(t, app.url, token, app.shopID, "list-a", `{"role":"buyer","text":"在吗,想买点茶送长辈"}`)

	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)
	login(t, ctx, app, "/?conversation=list-a")
	do(t, ctx, "load the panel and its list",
		chromedp.WaitVisible(chromedp.CSS(`.panel .turn[data-turn="0"]`)),
		chromedp.WaitReady(chromedp.CSS(`.panel .conv[data-conversation="list-a"]`)))
	if open := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('.panel .convs details').open`)); open {
		t.Fatal("the list is open on a panel that has a conversation")
	}
	// Count the list's reads from here on (one a shop the agent serves).
	do(t, ctx, "count the list's reads", chromedp.Evaluate[chromedp.Void](`window.listReads = [];
		const realFetch = window.fetch;
		window.fetch = (url, ...rest) => {
			if (/\/conversations$/.test(String(url))) window.listReads.push(String(url));
			return realFetch(url, ...rest);
		};`))
	postTurn(t, app.url, token, app.shopID, "list-b", `{"role":"buyer","text":"这个紫砂壶可以刻字吗"}`)
	time.Sleep(16 * time.Second) // longer than the list's refresh interval
	if reads := run(t, ctx, chromedp.Evaluate[[]string](`window.listReads`)); len(reads) != 0 {
		t.Errorf("a closed list was read in 16 s: %v, want no read", reads)
	}
	openConversationList(t, ctx)
	do(t, ctx, "see the new chat in the list", chromedp.WaitVisible(chromedp.CSS(`.panel .conv[data-conversation="list-b"]`)))
	reads := run(t, ctx, chromedp.Evaluate[[]string](`window.listReads`))
	seen := map[string]int{}
	for _, u := range reads {
		seen[u]++
	}
	if want := "/api/v1/shops/" + itoa(app.shopID) + "/conversations"; seen[want] != 1 || len(seen) != len(reads) {
		t.Errorf("opening the list read %v, want each shop's list once, %s among them", reads, want)
	}
	console.check(t)
}

// openConversationList opens the panel's conversation list as an agent
// does, and waits for the read the opening starts to be drawn, so that a
// click that follows finds the lines as they will stay.
func openConversationList(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "open the conversation list",
		chromedp.Evaluate[chromedp.Void](`window.listReadsBefore = Number(document.querySelector('.panel .convs .conv-list').dataset.reads || 0);
			document.querySelector('.panel .convs details').open = true`),
		chromedp.Poll[chromedp.Void](`Number(document.querySelector('.panel .convs .conv-list').dataset.reads || 0) > window.listReadsBefore`,
			chromedp.WithPollingTimeout(10*time.Second)))
}
