package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"assist/kb"
)

// TestPanelInBrowser walks the path a newcomer takes: log in, open the demo,
// pick a product, bargain as the buyer, see the upsell nudge and a filled
// bundle phrase in the panel, use the phrase, and find the 'used' event in
// SQLite; then check a risky draft.
func TestPanelInBrowser(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	product, bundleTitle := productWithBundle(t, app.shop)

	ctx, cancel := context.WithTimeout(browser, 30*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)

	// Logged out, the demo sends us to the login page and back after it.
	login(t, ctx, app, "/demo")
	do(t, ctx, "load the products", chromedp.WaitReady(chromedp.CSS(`#product option[value="`+product.ID+`"]`)))
	conversation := run(t, ctx, chromedp.TextContent(chromedp.CSS(`#conversation-id`)))
	if !strings.HasPrefix(conversation, "demo-") {
		t.Fatalf("demo conversation id = %q, want demo-…", conversation)
	}

	do(t, ctx, "bargain as the buyer",
		chromedp.SetValue(chromedp.CSS(`#product`), product.ID),
		chromedp.SendKeys(chromedp.CSS(`#buyer-input`), "能便宜点吗"),
		chromedp.Click(chromedp.CSS(`#buyer-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .nudge[data-kind="upsell"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .phrase[data-scene="upsell"]`)))

	shown := run(t, ctx, chromedp.Evaluate[[]shownPhrase](`[...document.querySelectorAll('.panel .phrase')].map(b => ({
		id: b.dataset.phraseId, scene: b.dataset.scene, text: b.querySelector('.phrase-text').textContent}))`))
	var pick *shownPhrase
	for i, p := range shown {
		if strings.ContainsAny(p.Text, "{}") {
			t.Errorf("phrase %s shows a raw placeholder: %q", p.ID, p.Text)
		}
		if pick == nil && p.Scene == "upsell" && strings.Contains(p.Text, bundleTitle) {
			pick = &shown[i]
		}
	}
	if pick == nil {
		t.Fatalf("no upsell phrase filled with the bundle %q; the panel shows %+v", bundleTitle, shown)
	}

	do(t, ctx, "use the bundle phrase",
		chromedp.Click(chromedp.CSS(`.panel .phrase[data-phrase-id="`+pick.ID+`"]`)))
	if got := run(t, ctx, chromedp.Value(chromedp.CSS(`#agent-input`))); got != pick.Text {
		t.Errorf("agent input after the click = %q, want the phrase %q", got, pick.Text)
	}
	waitForEvent(t, ctx, app.db, kb.Event{Shop: app.shopID, Conversation: conversation, Turn: 0, Agent: app.agent,
		SuggestionID: pick.ID, Kind: kb.SuggestionPhrase, Action: kb.ActionUsed})

	savePanel(t, ctx, "panel.png")
	saveArtifact(t, "demo.png", run(t, ctx, chromedp.FullScreenshot(100)))

	// The reply box is checked as the agent types.
	const draft = "亲,今天一定给您发出,保证明天到"
	do(t, ctx, "type a risky reply",
		setBox(`#agent-input`, ""),
		chromedp.SendKeys(chromedp.CSS(`#agent-input`), draft),
		chromedp.WaitVisible(chromedp.CSS(`#agent-check .issue[data-kind="shipping_promise"]`)))
	issues := run(t, ctx, chromedp.Evaluate[[]shownIssue](`[...document.querySelectorAll('#agent-check .issue')].map(d => ({
		kind: d.dataset.kind, marked: [...d.querySelectorAll('.reason mark, .triggers mark')].map(m => m.textContent),
		suggested: (d.querySelector('.suggested p') || {}).textContent || ''}))`))
	var fix string
	for _, is := range issues {
		if is.Kind != "shipping_promise" {
			continue
		}
		if len(is.Marked) == 0 {
			t.Errorf("shipping-promise warning highlights no words of the draft")
		}
		for _, w := range is.Marked {
			if !strings.Contains(draft, w) {
				t.Errorf("warning highlights %q, which is not in the draft %q", w, draft)
			}
		}
		if fix == "" {
			fix = is.Suggested
		}
	}
	if fix == "" || strings.ContainsAny(fix, "{}") {
		t.Fatalf("shipping-promise warning offers no usable wording: %+v", issues)
	}
	saveArtifact(t, "demo-draft.png", run(t, ctx, chromedp.FullScreenshot(100)))

	// One click takes the compliant wording, and the checker passes it.
	do(t, ctx, "use the compliant wording",
		chromedp.Click(chromedp.CSS(`#agent-check .issue[data-kind="shipping_promise"] .suggested button`)),
		chromedp.WaitVisible(chromedp.CSS(`#agent-check .ok`)))
	if got := run(t, ctx, chromedp.Value(chromedp.CSS(`#agent-input`))); got != fix {
		t.Errorf("agent input after using the wording = %q, want %q", got, fix)
	}
	console.check(t)
}

// shownPhrase is a phrase card as the panel renders it.
type shownPhrase struct {
	ID    string `json:"id"`
	Scene string `json:"scene"`
	Text  string `json:"text"`
}

// shownIssue is a warning of the draft checker as the panel renders it.
type shownIssue struct {
	Kind      string   `json:"kind"`
	Marked    []string `json:"marked"`
	Suggested string   `json:"suggested"`
}

// TestPanelFollowsLiveTurns opens the panel page on a conversation a chat
// platform feeds: turns posted with a token appear live, a dismissed nudge
// and a phrase used with key 1 are recorded, and switching to another
// conversation follows that one only.
func TestPanelFollowsLiveTurns(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	token, _, err := app.db.CreateToken(context.Background(), app.shopID, "chat-platform")
	if err != nil {
		t.Fatal(err)
	}
	post := func(conversation, text string) {
		t.Helper()
		postTurn(t, app.url, token, app.shopID, conversation, `{"role":"buyer","text":"`+text+`"}`)
	}
	post("shop-a", "在吗,想买点茶送长辈")
	post("shop-b", "这个紫砂壶可以刻字吗")

	ctx, cancel := context.WithTimeout(browser, 30*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)

	login(t, ctx, app, "/?conversation=shop-a")
	do(t, ctx, "load the conversations",
		chromedp.WaitVisible(chromedp.CSS(`.panel .turn[data-turn="0"]`)),
		chromedp.WaitReady(chromedp.CSS(`.panel .conv[data-conversation="shop-b"]`)))

	post("shop-a", "收到的杯子碎了一个,盒子也压扁了")
	do(t, ctx, "see the complaint live",
		chromedp.WaitVisible(chromedp.CSS(`.panel .turn[data-turn="1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .nudge[data-kind="evidence"]`)))
	savePanel(t, ctx, "panel-live.png")
	nudge := run(t, ctx, chromedp.Evaluate[string](`(n => n.dataset.category ? n.dataset.kind + ':' + n.dataset.category : n.dataset.kind)(document.querySelector('.panel .nudge[data-kind="evidence"]'))`))
	do(t, ctx, "dismiss the evidence nudge",
		chromedp.Click(chromedp.CSS(`.panel .nudge[data-kind="evidence"] .dismiss`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.panel .nudge[data-kind="evidence"]`)))
	waitForEvent(t, ctx, app.db, kb.Event{Shop: app.shopID, Conversation: "shop-a", Turn: 1, Agent: app.agent,
		SuggestionID: nudge, Kind: kb.SuggestionNudge, Action: kb.ActionDismissed})

	first := run(t, ctx, chromedp.AttributeValue(chromedp.CSS(`.panel .phrase`), "data-phrase-id"))
	do(t, ctx, "use phrase 1 by key",
		chromedp.Blur(chromedp.CSS(`.panel textarea.draft`)),
		chromedp.KeyEvent("1"),
		chromedp.WaitVisible(chromedp.CSS(`.panel .phrases li.used`)))
	waitForEvent(t, ctx, app.db, kb.Event{Shop: app.shopID, Conversation: "shop-a", Turn: 1, Agent: app.agent,
		SuggestionID: first.Value, Kind: kb.SuggestionPhrase, Action: kb.ActionUsed})

	openConversationList(t, ctx)
	do(t, ctx, "switch to the other conversation",
		chromedp.Click(chromedp.CSS(`.panel .conv[data-conversation="shop-b"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .conn[data-state="open"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.panel .turn[data-turn="1"]`)))
	post("shop-a", "还有一个问题,茶叶罐是密封的吗")
	post("shop-b", "刻字的话大概多久能发货")
	do(t, ctx, "see only the open conversation's turn",
		chromedp.WaitVisible(chromedp.CSS(`.panel .turn[data-turn="1"]`)))
	now := run(t, ctx, chromedp.TextContent(chromedp.CSS(`.panel .now-text`)))
	if now != "刻字的话大概多久能发货" {
		t.Errorf("after switching, the panel shows %q, want the new turn of shop-b", now)
	}
	if loc := run(t, ctx, chromedp.Location()); !strings.Contains(loc, "conversation=shop-b") || !strings.Contains(loc, "shop=1") {
		t.Errorf("address after switching = %s, want shop=1 and conversation=shop-b", loc)
	}
	console.check(t)
}

// TestDemoSamples clicks each sample line of the demo page and expects the
// nudge it is there to show, so a newcomer's first click demonstrates
// something.
func TestDemoSamples(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	ctx, cancel := context.WithTimeout(browser, 30*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)
	login(t, ctx, app, "/demo")

	tests := []struct {
		name   string
		role   string // whose sample row
		sample string // the chip's label
		want   string // nudge kind shown on the chat line and in the panel
	}{
		{name: "bargaining buyer", role: "buyer", sample: "讲价", want: "upsell"},
		{name: "damaged goods", role: "buyer", sample: "破损投诉", want: "evidence"},
		{name: "agent promises delivery", role: "agent", sample: "越权承诺", want: "shipping_promise"},
		{name: "agent admits fault", role: "agent", sample: "过早认责", want: "admission"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			do(t, ctx, "open a fresh demo and click "+tt.sample,
				chromedp.Navigate(app.url+"/demo"),
				chromedp.WaitVisible(chromedp.CSS(`.panel .conn[data-state="open"]`)),
				chromedp.Click(chromedp.CSS(`#`+tt.role+`-samples button[data-sample="`+tt.sample+`"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#messages .msg[data-turn="0"]`)))
			shown := func() []string {
				return run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.panel .nudge')].map(n => n.dataset.kind)`))
			}
			wait := chromedp.WaitVisible(chromedp.CSS(`.panel .nudge[data-kind="` + tt.want + `"]`))
			short, stop := context.WithTimeout(ctx, 3*time.Second)
			defer stop()
			if err := chromedp.Do(short, wait); err != nil {
				t.Fatalf("sample %s: no %s nudge; the panel shows %v", tt.sample, tt.want, shown())
			}
			do(t, ctx, "see the chat line tagged", chromedp.WaitVisible(chromedp.CSS(`#messages .msg[data-turn="0"] .tag.kind-`+tt.want)))
		})
	}
	console.check(t)
}

// TestPanelReconnects restarts the server under an open panel: the panel
// says it lost the connection, reconnects by itself and shows the turn posted
// while it was away.
func TestPanelReconnects(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	token, _, err := app.db.CreateToken(context.Background(), app.shopID, "chat-platform")
	if err != nil {
		t.Fatal(err)
	}
	postTurn(t, app.url, token, app.shopID, "shop-r", `{"role":"buyer","text":"你好,想问问铁观音"}`)

	ctx, cancel := context.WithTimeout(browser, 30*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)
	login(t, ctx, app, "/?conversation=shop-r")
	do(t, ctx, "load the conversation", chromedp.WaitVisible(chromedp.CSS(`.panel .turn[data-turn="0"]`)))

	// Record what the connection indicator says, every change of it.
	do(t, ctx, "watch the indicator", chromedp.Evaluate[chromedp.Void](`window.connStates = [];
		new MutationObserver(() => connStates.push(document.querySelector('.panel .conn').dataset.state))
			.observe(document.querySelector('.panel .conn'), {attributes: true, attributeFilter: ['data-state']})`))

	app.restart(t)
	postTurn(t, app.url, token, app.shopID, "shop-r", `{"role":"buyer","text":"两盒一起拿能便宜点吗"}`)
	do(t, ctx, "reconnect and catch up",
		chromedp.WaitVisible(chromedp.CSS(`.panel .turn[data-turn="1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .conn[data-state="open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .nudge[data-kind="upsell"]`)))
	states := run(t, ctx, chromedp.Evaluate[[]string](`connStates`))
	if strings.Join(states, " ") != "waiting connecting open" {
		t.Errorf("connection indicator went %v, want waiting, connecting, open", states)
	}
	console.check(t)
}

// TestAgentServesTwoShops: an agent of an outsourced team serves two shops
// from one panel, sees which shop each conversation belongs to, and switches
// with a click or Alt+S; an agent of one shop is refused the other's
// conversations, reports and sockets.
func TestAgentServesTwoShops(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	bg := context.Background()
	teaToken, _, err := app.db.CreateToken(bg, app.shopID, "tea-platform")
	if err != nil {
		t.Fatal(err)
	}
	phoneToken, _, err := app.db.CreateToken(bg, app.otherID, "phone-platform")
	if err != nil {
		t.Fatal(err)
	}
	postTurn(t, app.url, teaToken, app.shopID, "tea-1", `{"role":"buyer","text":"这款茶叶是今年的新茶吗"}`)
	postTurn(t, app.url, phoneToken, app.otherID, "phone-1", `{"role":"buyer","text":"充電器支援快充嗎"}`)

	ctx, cancel := context.WithTimeout(browser, 40*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)
	login(t, ctx, app, "/")
	do(t, ctx, "see both shops and both conversations",
		chromedp.WaitVisible(chromedp.CSS(`.panel .shops .shop.current[data-shop-id="`+itoa(app.shopID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .shops .shop[data-shop-id="`+itoa(app.otherID)+`"]`)),
		chromedp.WaitReady(chromedp.CSS(`.panel .conv[data-shop-id="`+itoa(app.otherID)+`"][data-conversation="phone-1"] .conv-shop`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .turn[data-turn="0"]`)))
	if now := run(t, ctx, chromedp.TextContent(chromedp.CSS(`.panel .now-text`))); now != "这款茶叶是今年的新茶吗" {
		t.Errorf("first shop's newest conversation shows %q", now)
	}

	do(t, ctx, "switch to the phone shop with a click",
		chromedp.Click(chromedp.CSS(`.panel .shops .shop[data-shop-id="`+itoa(app.otherID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .shops .shop.current[data-shop-id="`+itoa(app.otherID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .conn[data-state="open"]`)))
	waitText(t, ctx, `.panel .now-text`, "充電器支援快充嗎")
	if loc := run(t, ctx, chromedp.Location()); !strings.Contains(loc, "shop="+itoa(app.otherID)) || !strings.Contains(loc, "conversation=phone-1") {
		t.Errorf("address in the phone shop = %s", loc)
	}
	postTurn(t, app.url, phoneToken, app.otherID, "phone-1", `{"role":"buyer","text":"能便宜點嗎"}`)
	do(t, ctx, "see the phone shop's turn live", chromedp.WaitVisible(chromedp.CSS(`.panel .turn[data-turn="1"]`)))
	savePanel(t, ctx, "panel-shops.png")

	do(t, ctx, "switch back with Alt+S",
		chromedp.KeyEvent("s", chromedp.KeyModifiers(chromedp.ModifierAlt)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .shops .shop.current[data-shop-id="`+itoa(app.shopID)+`"]`)))
	waitText(t, ctx, `.panel .now-text`, "这款茶叶是今年的新茶吗")

	openConversationList(t, ctx)
	do(t, ctx, "open the other shop's conversation from the list",
		chromedp.Click(chromedp.CSS(`.panel .conv[data-shop-id="`+itoa(app.otherID)+`"][data-conversation="phone-1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .shops .shop.current[data-shop-id="`+itoa(app.otherID)+`"]`)))
	waitText(t, ctx, `.panel .now-text`, "能便宜點嗎")
	console.check(t)

	// An agent of the tea shop only: one shop, no switcher, and the phone
	// shop's routes and socket refuse them.
	u, err := app.db.CreateUser(bg, "xiaowang", "tieguanyin-2026", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.db.Grant(bg, u.ID, app.shopID, kb.RoleAgent); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "log in as the tea shop's agent",
		chromedp.Evaluate[chromedp.Void](`fetch('/api/v1/logout', {method: 'POST'})`),
		chromedp.Sleep(200*time.Millisecond))
	app.agent, app.password = "xiaowang", "tieguanyin-2026"
	login(t, ctx, app, "/")
	if hidden := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector('.panel .shops').hidden`)); !hidden {
		t.Error("an agent of one shop sees a shop switcher")
	}
	other := itoa(app.otherID)
	got := run(t, ctx, chromedp.Evaluate[map[string]int](`(async () => {
		const status = async (p) => (await fetch(p)).status;
		const socket = await new Promise((done) => {
			const ws = new WebSocket(location.origin.replace('http', 'ws') + '/api/v1/shops/`+other+`/conversations/phone-1/ws');
			ws.onopen = () => done(101);
			ws.onerror = () => done(403);
		});
		return {
			conversations: await status('/api/v1/shops/`+other+`/conversations'),
			conversation: await status('/api/v1/shops/`+other+`/conversations/phone-1'),
			report: await status('/api/v1/shops/`+other+`/reports/suggestions'),
			socket,
		};
	})()`, chromedp.EvalAwaitPromise))
	for what, status := range got {
		if status != 403 {
			t.Errorf("tea agent asks for the phone shop's %s: %d, want 403", what, status)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// waitText waits until the element's text is want.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	do(t, ctx, "wait for "+want, chromedp.Poll[chromedp.Void](`document.querySelector(`+strconv.Quote(sel)+`)?.textContent === `+strconv.Quote(want)))
}
