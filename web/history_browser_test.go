package web_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"assist/kb"
)

// A long conversation opens on its last 50 turns; scrolling the turn log
// up brings the older ones, page by page, down to the first, while the
// panel keeps showing the newest turn.
func TestPanelLoadsOlderTurnsOnScroll(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	const n = 120
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		text := "第" + strconv.Itoa(i) + "句"
		err := app.db.AddTurn(context.Background(), &kb.StoredTurn{Shop: app.shopID, Conversation: "long", Index: i,
			Role: "buyer", Text: text, At: start.Add(time.Duration(i) * time.Minute), PostedBy: "token:chat",
			Suggestions: []byte(fmt.Sprintf(`{"conversation":"long","turn":%d,"role":"buyer","text":%q}`, i, text))})
		if err != nil {
			t.Fatal(err)
		}
	}

	ctx, cancel := context.WithTimeout(browser, 30*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)
	login(t, ctx, app, "/?conversation=long")
	do(t, ctx, "load the last page", chromedp.WaitVisible(chromedp.CSS(`.panel .turn[data-turn="`+strconv.Itoa(n-1)+`"]`)))
	count := `document.querySelectorAll('.panel .turn-log .turn').length`
	if got := run(t, ctx, chromedp.Evaluate[int](count)); got != 50 {
		t.Errorf("turns loaded on opening: %d, want the last 50", got)
	}
	for _, want := range []string{"20", "0"} {
		do(t, ctx, "scroll to the top for turn "+want,
			chromedp.Evaluate[chromedp.Void](`document.querySelector('.panel .turn-log').scrollTop = 0`),
			chromedp.WaitReady(chromedp.CSS(`.panel .turn[data-turn="`+want+`"]`)))
	}
	if got := run(t, ctx, chromedp.Evaluate[int](count)); got != n {
		t.Errorf("turns after scrolling up twice: %d, want all %d", got, n)
	}
	now := run(t, ctx, chromedp.TextContent(chromedp.CSS(`.panel .now-text`)))
	if now != "第"+strconv.Itoa(n-1)+"句" {
		t.Errorf("the panel shows %q after paging back, want the newest turn", now)
	}
	saveArtifact(t, "panel-history-paged.png", run(t, ctx, chromedp.Screenshot(chromedp.CSS(`#panel`))))
	console.check(t)
}
