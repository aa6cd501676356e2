package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"assist/kb"
)

// postTurnAnswer posts a buyer line and returns the nudges it raised, as
// kind.category.
func postTurnAnswer(t *testing.T, base, token string, shop int64, conv, text string) []string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/shops/"+strconv.FormatInt(shop, 10)+"/conversations/"+conv+"/turns",
		strings.NewReader(`{"role":"buyer","text":"`+text+`"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("turn: %s %s", res.Status, body)
	}
	var s struct {
		Nudges []struct{ Kind, Category string }
	}
	json.Unmarshal(body, &s)
	var out []string
	for _, n := range s.Nudges {
		out = append(out, n.Kind+"."+n.Category)
	}
	return out
}

// TestAgentFlagTeachesTheShop: an agent flags a complaint the panel missed;
// the shop's knowledge admin accepts it on /learn; the same sentence nudges
// at the next turn in that shop, and not in another shop.
func TestAgentFlagTeachesTheShop(t *testing.T) {
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
	const line = "泡开以后全是碎末末,跟图上差太多"
	if got := postTurnAnswer(t, app.url, teaToken, app.shopID, "learn-1", line); len(got) != 0 {
		for _, c := range got {
			if strings.HasPrefix(c, "evidence.") {
				t.Fatalf("the lexicon already raises %v on %q: pick a line it misses", got, line)
			}
		}
	}

	ctx, cancel := context.WithTimeout(browser, 45*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)
	login(t, ctx, app, "/?shop="+itoa(app.shopID)+"&conversation=learn-1")
	do(t, ctx, "flag the turn as a missed quality complaint",
		chromedp.WaitVisible(chromedp.CSS(`.panel .turn[data-turn="0"]`)),
		chromedp.Click(chromedp.CSS(`.panel .now .flag-open`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .flag-form select.flag-category`)),
		chromedp.SetValue(chromedp.CSS(`.panel .flag-form select.flag-kind`), "missed"),
		chromedp.SetValue(chromedp.CSS(`.panel .flag-form select.flag-category`), "evidence.quality"),
		chromedp.Click(chromedp.CSS(`.panel .flag-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.panel .flag-done`)))
	savePanel(t, ctx, "panel-flag.png")
	console.check(t)

	// The shop's knowledge admin accepts it.
	u, err := app.db.CreateUser(bg, "zhishi", "zhishi-guanli-1", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.db.Grant(bg, u.ID, app.shopID, kb.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "log out", chromedp.Evaluate[chromedp.Void](`fetch('/api/v1/logout', {method: 'POST'})`), chromedp.Sleep(200*time.Millisecond))
	do(t, ctx, "log in as the admin",
		chromedp.Navigate(app.url+"/learn"),
		chromedp.WaitVisible(chromedp.CSS(`form#login`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "zhishi"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "zhishi-guanli-1"),
		chromedp.Click(chromedp.CSS(`form#login button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flag-item .flag-text`)))
	if text := run(t, ctx, chromedp.TextContent(chromedp.CSS(`.flag-item .flag-text`))); text != line {
		t.Errorf("queue shows %q, want the flagged line", text)
	}
	saveArtifact(t, "learn.png", run(t, ctx, chromedp.FullScreenshot(100)))
	do(t, ctx, "accept it as an example",
		chromedp.Click(chromedp.CSS(`.flag-item .accept-example`)),
		chromedp.WaitVisible(chromedp.CSS(`#flag-queue .empty`)))

	if got := postTurnAnswer(t, app.url, teaToken, app.shopID, "learn-2", line); !contains(got, "evidence.quality") {
		t.Errorf("after the lesson the tea shop raises %v, want evidence.quality", got)
	}
	if got := postTurnAnswer(t, app.url, phoneToken, app.otherID, "learn-3", line); contains(got, "evidence.quality") {
		t.Errorf("the tea shop's lesson nudged in the phone shop: %v", got)
	}

	do(t, ctx, "try the line in the tester",
		chromedp.SendKeys(chromedp.CSS(`#try-form input[name=text]`), line),
		chromedp.Click(chromedp.CSS(`#try-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#try-result .try-nudge[data-category="evidence.quality"]`)))
	saveArtifact(t, "learn-try.png", run(t, ctx, chromedp.FullScreenshot(100)))
	console.check(t)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
