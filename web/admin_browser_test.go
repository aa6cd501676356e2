package web_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"assist/kb"
	"assist/kb/bundle"
)

// choose picks an option of a <select> as a person does: the page hears
// the change.
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const s = document.querySelector(%q);
		s.value = %q; s.dispatchEvent(new Event('change', {bubbles: true})); })()`, sel, value))
}

// clear empties an input and lets the page hear it.
func clear(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const s = document.querySelector(%q);
		s.value = ''; s.dispatchEvent(new Event('input', {bubbles: true})); })()`, sel))
}

// until waits for a JavaScript condition to hold.
func until(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(15*time.Second))
}

// settled waits for the editor's checks, preview and history to be in.
var settled = until(`document.querySelector('#phrase-form').dataset.pending === '0'`)

func jsString(s string) string { return strconv.Quote(s) }

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	do(t, ctx, "settle before "+name, chromedp.Sleep(150*time.Millisecond))
	saveArtifact(t, name, run(t, ctx, chromedp.CaptureScreenshot()))
}

// TestAdminWorkspaceInBrowser walks a knowledge admin through a day's work
// on a 1366x768 laptop: search the phrases (in traditional characters),
// create one and see the Advertising-Law word flagged inline while typing,
// fix and save it, edit it, preview it for two products, retire it, roll it
// back, look at products and rules, upload a bundle with a mistake on a
// named line and then a fixed one; and an agent's panel shows the change on
// the shop's next turn.
func TestAdminWorkspaceInBrowser(t *testing.T) {
	browser := newBrowser(t)
	app := startApp(t)
	bg := context.Background()
	u, err := app.db.CreateUser(bg, "laowang", "pu-er-2026-admin", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.db.Grant(bg, u.ID, app.shopID, kb.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(browser, 120*time.Second)
	defer cancel()
	console := watchConsole(t, ctx)

	do(t, ctx, "log in as the admin",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(app.url+"/login?next=/admin"),
		chromedp.WaitVisible(chromedp.CSS(`form#login`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "laowang"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "pu-er-2026-admin"),
		chromedp.Click(chromedp.CSS(`form#login button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#phrase-list .row`)))
	total := len(app.shop.Phrases)
	do(t, ctx, "every phrase is listed", until(fmt.Sprintf(`document.querySelectorAll('#phrase-list .row').length === %d`, total)))

	// Search in traditional characters: 議價 finds the 议价 phrase.
	do(t, ctx, "search",
		chromedp.SendKeys(chromedp.CSS(`#phrase-q`), "議價"),
		until(`document.querySelectorAll('#phrase-list .row').length === 1`))
	found := run(t, ctx, chromedp.TextContent(chromedp.CSS(`#phrase-list .row strong`)))
	if !strings.Contains(found, "议价") {
		t.Errorf("searching 議價 found %q", found)
	}
	shot(t, ctx, "admin-phrases.png")
	do(t, ctx, "clear the search", clear(`#phrase-q`),
		until(fmt.Sprintf(`document.querySelectorAll('#phrase-list .row').length === %d`, total)))

	// Create: an absolute word is flagged under the text while typing.
	do(t, ctx, "start a new phrase",
		chromedp.Click(chromedp.CSS(`#phrase-new`)),
		chromedp.WaitVisible(chromedp.CSS(`#phrase-form`)),
		choose(`#phrase-form select[name=scene]`, "product"),
		chromedp.SendKeys(chromedp.CSS(`#phrase-form input[name=title]`), "产地品质"),
		chromedp.SendKeys(chromedp.CSS(`#phrase-form input[name=code]`), "cd"),
		chromedp.SendKeys(chromedp.CSS(`#phrase-form textarea[name=text]`), "这款是全网最好的茶,产地{产地}"),
		chromedp.WaitVisible(chromedp.CSS(`.field-error[data-for=text] .problem[data-kind=wording]`)))
	if msg := run(t, ctx, chromedp.TextContent(chromedp.CSS(`.field-error[data-for=text] .problem[data-kind=wording]`))); !strings.Contains(msg, "最好") {
		t.Errorf("the inline wording problem says %q", msg)
	}
	shot(t, ctx, "admin-phrase-error.png")
	const v1 = "这款产地是{产地},品质稳定"
	do(t, ctx, "fix the text and save",
		clear(`#phrase-form textarea[name=text]`),
		chromedp.SendKeys(chromedp.CSS(`#phrase-form textarea[name=text]`), v1),
		chromedp.WaitVisible(chromedp.CSS(`#validate-state[data-ok=yes]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.field-error .problem`)),
		chromedp.Click(chromedp.CSS(`#phrase-save`)),
		until(`document.querySelector('#editor-version').textContent === '第 1 版'`))
	id := run(t, ctx, chromedp.Value(chromedp.CSS(`#phrase-form input[name=id]`)))
	if id == "" {
		t.Fatal("the new phrase has no id in the editor")
	}

	// Edit: version 2.
	do(t, ctx, "edit",
		chromedp.SendKeys(chromedp.CSS(`#phrase-form textarea[name=text]`), ",欢迎品鉴"),
		chromedp.WaitVisible(chromedp.CSS(`#validate-state[data-ok=yes]`)),
		chromedp.Click(chromedp.CSS(`#phrase-save`)),
		until(`document.querySelector('#editor-version').textContent === '第 2 版'`))

	// Preview for two products: each fills its own origin.
	for _, pid := range []string{"tea-lj-mingqian", "tea-tgy-qingxiang"} {
		p, ok := app.shop.Product(pid)
		if !ok {
			t.Fatalf("the demo shop has no %s", pid)
		}
		origin := ""
		for _, f := range p.Facts {
			if f.Name == "产地" {
				origin = f.Value
			}
		}
		want := strings.Replace(v1+",欢迎品鉴", "{产地}", origin, 1)
		do(t, ctx, "preview for "+pid, choose(`#preview-product`, pid),
			until(`document.querySelector('#preview-text').textContent === `+jsString(want)))
	}
	shot(t, ctx, "admin-preview.png")

	// Retire: gone from what the engine sees.
	do(t, ctx, "retire",
		chromedp.Click(chromedp.CSS(`#phrase-retire`)),
		until(`document.querySelector('#editor-state').textContent === '已停用'`),
		chromedp.WaitVisible(chromedp.CSS(`.version[data-n="3"]`)),
		settled)
	if shop, _, _ := app.db.ShopByID(bg, app.shopID); shop != nil {
		if _, ok := shop.Phrase(id); ok {
			t.Error("a retired phrase is still in the shop the engine loads")
		}
	}
	// Roll back to version 1: live again, with version 1's text.
	do(t, ctx, "roll back to v1",
		chromedp.ScrollIntoView(chromedp.CSS(`.version[data-n="1"] .rollback`)),
		chromedp.Click(chromedp.CSS(`.version[data-n="1"] .rollback`)),
		until(`document.querySelector('#editor-version').textContent === '第 4 版'`))
	if got := run(t, ctx, chromedp.Value(chromedp.CSS(`#phrase-form textarea[name=text]`))); got != v1 {
		t.Errorf("after the rollback the text is %q, want %q", got, v1)
	}
	if state := run(t, ctx, chromedp.TextContent(chromedp.CSS(`#editor-state`))); state != "在用" {
		t.Errorf("after the rollback the phrase is %q", state)
	}
	do(t, ctx, "the history shows the diff", chromedp.WaitVisible(chromedp.CSS(`.version[data-n="2"] .diff ins`)))
	shot(t, ctx, "admin-history.png")

	// Products and rules.
	do(t, ctx, "products",
		chromedp.Click(chromedp.CSS(`.tabs a[data-tab=products]`)),
		chromedp.WaitVisible(chromedp.CSS(`#product-list .row`)),
		chromedp.Click(chromedp.CSS(`#product-list .row[data-product-id="tea-dhp-presale"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#facts .fact`)))
	shot(t, ctx, "admin-products.png")
	do(t, ctx, "rules and the law",
		chromedp.Click(chromedp.CSS(`.tabs a[data-tab=rules]`)),
		chromedp.WaitVisible(chromedp.CSS(`.rule-card`)),
		chromedp.SendKeys(chromedp.CSS(`#law-q`), "七日无理由退货"),
		chromedp.Click(chromedp.CSS(`#law-search button`)),
		chromedp.WaitVisible(chromedp.CSS(`#law-hits .article`)))
	shot(t, ctx, "admin-rules.png")

	// A bundle with a mistake on a named line, then the fixed one.
	var good bytes.Buffer
	if err := bundle.Write(&good, app.shop); err != nil {
		t.Fatal(err)
	}
	marked := strings.ReplaceAll(good.String(), `"text": "单买已经是活动价啦`, `"text": "【新】单买已经是活动价啦`)
	if marked == good.String() {
		t.Fatal("the demo bundle's bargain phrase moved: update the test")
	}
	at := strings.Index(marked, `"scene": "upsell"`)
	line := strings.Count(marked[:at], "\n") + 1
	bad := marked[:at] + `"scene": "upsel"` + marked[at+len(`"scene": "upsell"`):]
	dir := t.TempDir()
	badPath, goodPath := filepath.Join(dir, "bad", "tea-shop.json"), filepath.Join(dir, "good", "tea-shop.json")
	for path, data := range map[string]string{badPath: bad, goodPath: marked} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantAt := fmt.Sprintf("tea-shop.json:%d:", line)
	do(t, ctx, "upload a bundle with a mistake",
		chromedp.Click(chromedp.CSS(`.tabs a[data-tab=files]`)),
		chromedp.WaitVisible(chromedp.CSS(`#bundle-upload`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#bundle-file`), []string{badPath}),
		chromedp.Click(chromedp.CSS(`#bundle-upload`)),
		chromedp.WaitVisible(chromedp.CSS(`#bundle-problems .problem`)))
	problem := run(t, ctx, chromedp.TextContent(chromedp.CSS(`#bundle-problems .problem`)))
	if !strings.HasPrefix(problem, wantAt) || !strings.Contains(problem, "scene") {
		t.Errorf("the problem shown is %q, want it at %s naming the scene", problem, wantAt)
	}
	shot(t, ctx, "admin-files.png")
	do(t, ctx, "upload the fixed bundle",
		chromedp.SetUploadFiles(chromedp.CSS(`#bundle-file`), []string{goodPath}),
		chromedp.Click(chromedp.CSS(`#bundle-upload`)),
		until(`document.querySelector('#admin-toast').textContent.startsWith('已替换')`))
	// At 1280 px wide the workspace still fits: nothing runs off the side.
	do(t, ctx, "a 1280 px screen",
		chromedp.EmulateViewport(1280, 800),
		chromedp.Click(chromedp.CSS(`.tabs a[data-tab=phrases]`)),
		chromedp.WaitVisible(chromedp.CSS(`#phrase-list .row`)),
		chromedp.Click(chromedp.CSS(`#phrase-list .row`)),
		chromedp.WaitVisible(chromedp.CSS(`#phrase-form`)), settled)
	if wide := run(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
		t.Error("at 1280 px the page scrolls sideways")
	}
	shot(t, ctx, "admin-1280.png")
	console.check(t)

	// The agent's panel shows the new wording on the shop's next turn.
	token, _, err := app.db.CreateToken(bg, app.shopID, "chat-platform")
	if err != nil {
		t.Fatal(err)
	}
	product, _ := productWithBundle(t, app.shop)
	postTurn(t, app.url, token, app.shopID, "after-upload", `{"role":"buyer","text":"能便宜点吗","product":"`+product.ID+`"}`)
	agent, cancelAgent := context.WithTimeout(newBrowser(t), 60*time.Second)
	defer cancelAgent()
	login(t, agent, app, "/?conversation=after-upload&shop="+strconv.FormatInt(app.shopID, 10))
	do(t, agent, "the panel shows the uploaded wording",
		until(`[...document.querySelectorAll('.panel .phrase .phrase-text')].some(p => p.textContent.startsWith('【新】单买已经是活动价啦'))`))
}
