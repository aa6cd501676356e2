package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"assist/assistant"
	"assist/kb"
	"assist/kb/index"
	"assist/kb/sqlite"
	"assist/web"
)

func init() { register(&demoDataCmd{}) }

// demoDataCmd plays a simulated week of chats into the demo shop, so a
// newcomer opening /review sees a populated review.
type demoDataCmd struct{}

func (*demoDataCmd) Name() string { return "demo-data" }
func (*demoDataCmd) Synopsis() string {
	return "play a simulated week of chats, agent behaviour and outcomes into the demo shop (for /review)"
}

// demoAgents are the agents the week is played by; demoManager may open the review.
var demoAgents = []string{"xiaoli", "xiaowang", "xiaozhang"}

const demoManager = "zhuguan"

func (c *demoDataCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-data DIR] [-shop NAME] [-days N] [-per-day N] [-seed N]")
	data := fs.String("data", defaultDataDir, "data directory; created with the demo shop if empty")
	shopName := fs.String("shop", "", "shop to play into (default: the demo shop)")
	days := fs.Int("days", 7, "days to simulate, ending yesterday")
	perDay := fs.Int("per-day", 18, "conversations a day")
	seed := fs.Uint64("seed", 1, "random seed: the same seed plays the same week")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *days < 1 || *days > 60 || *perDay < 1 || *perDay > 500 {
		return fmt.Errorf("demo-data: -days wants 1 to 60 and -per-day 1 to 500")
	}
	if err := os.MkdirAll(*data, 0o750); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	db, err := sqlite.Open(ctx, storePath(*data))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := ensureShop(ctx, db, stdout); err != nil {
		return err
	}
	name := *shopName
	if name == "" {
		demo, err := demoShop()
		if err != nil {
			return err
		}
		name = demo.Name
	}
	info, err := db.ShopNamed(ctx, name)
	if err != nil {
		return fmt.Errorf("demo-data: shop %q: %w", name, err)
	}
	stats, err := playDemo(ctx, db, info, *days, *perDay, *seed, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "assist: played %d conversations (%d turns, %d clicked and %d typed phrases, %d dismissed, %d outcomes) into %q\n",
		stats.Conversations, stats.Turns, stats.Clicks, stats.Typed, stats.Dismissed, stats.Outcomes, info.Name)
	fmt.Fprintf(stdout, "assist: open /review as an admin or as %s to see them\n", demoManager)
	return nil
}

// playDemo runs a private server over the store (its own index, a clock
// the simulation moves) and plays the week through its API and sockets.
func playDemo(ctx context.Context, db *sqlite.DB, info kb.ShopInfo, days, perDay int, seed uint64, stdout io.Writer) (web.DemoStats, error) {
	var stats web.DemoStats
	people, err := demoPeople(ctx, db, info, stdout)
	if err != nil {
		return stats, err
	}
	secret, _, err := db.CreateToken(ctx, info.ID, fmt.Sprintf("demo-data-%d", time.Now().Unix()))
	if err != nil {
		return stats, err
	}

	var clock atomic.Int64 // simulated now, in Unix nanoseconds; 0: the real time
	now := func() time.Time {
		if n := clock.Load(); n != 0 {
			return time.Unix(0, n)
		}
		return time.Now()
	}
	realNow := db.Now
	db.Now = now
	defer func() { db.Now = realNow }()

	indexDir, err := os.MkdirTemp("", "assist-demo-index-")
	if err != nil {
		return stats, err
	}
	defer os.RemoveAll(indexDir)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := web.NewHub()
	desk, err := assistant.NewDesk(assistant.DeskConfig{Log: db, Library: db, Publisher: hub, Now: now,
		Indexer: index.Dirs{Root: indexDir}, AfterCommit: web.NewUsageRecorder(db, log).AfterCommit})
	if err != nil {
		return stats, err
	}
	defer desk.Close()
	srv, err := web.New(web.Config{Store: db, Desk: desk, Hub: hub, Logger: log, Now: now, EventFlush: 50 * time.Millisecond})
	if err != nil {
		return stats, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return stats, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	defer srv.Close(context.Background())

	loc, err := time.LoadLocation(shopZone(ctx, db, info.ID))
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	y, m, d := time.Now().In(loc).Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, loc).AddDate(0, 0, -days)
	play := &web.ReviewDemo{BaseURL: "http://" + ln.Addr().String(), Shop: info.ID, Token: secret, Agents: people,
		SetClock: func(t time.Time) { clock.Store(t.UnixNano()) }, Start: start, Days: days, PerDay: perDay, Seed: seed,
		// Milliseconds, not seconds: two plays a second apart must not share
		// conversation ids (a warm process plays a small week in under one).
		Tag: "demo" + strconv.FormatInt(time.Now().UnixMilli()%1_000_000_000, 36)}
	stats, err = play.Play(ctx)
	if err != nil {
		return stats, err
	}
	if err := srv.FlushEvents(ctx); err != nil {
		return stats, err
	}
	clock.Store(0)
	_, err = db.RefreshReview(ctx, info.ID)
	return stats, err
}

// demoPeople makes sure the demo agents and manager belong to the shop and
// opens a session for each agent. New accounts' passwords are printed once.
func demoPeople(ctx context.Context, db *sqlite.DB, info kb.ShopInfo, stdout io.Writer) ([]web.DemoAgent, error) {
	var out []web.DemoAgent
	for _, name := range append(append([]string{}, demoAgents...), demoManager) {
		role := kb.RoleAgent
		if name == demoManager {
			role = kb.RoleManager
		}
		u, err := db.User(ctx, name)
		if kb.ErrorCode(err) == kb.ENotFound {
			password, perr := kb.NewPassword()
			if perr != nil {
				return nil, perr
			}
			if u, err = db.CreateUser(ctx, name, password, false); err == nil {
				fmt.Fprintf(stdout, "assist: created %s %s, password %s (shown once)\n", role, name, password)
			}
		}
		if err != nil {
			return nil, err
		}
		if u.RoleIn(info.ID) == "" {
			if err := db.Grant(ctx, u.ID, info.ID, role); err != nil {
				return nil, err
			}
			if u, err = db.User(ctx, name); err != nil {
				return nil, err
			}
		}
		if role != kb.RoleAgent {
			continue
		}
		if u.RoleIn(info.ID) != kb.RoleAgent {
			return nil, fmt.Errorf("demo-data: %s is %s in %q, not an agent: the demo plays agents", name, u.RoleIn(info.ID), info.Name)
		}
		id, _, err := db.CreateSession(ctx, u, 2*time.Hour)
		if err != nil {
			return nil, err
		}
		out = append(out, web.DemoAgent{Name: name, Session: id})
	}
	return out, nil
}

func shopZone(ctx context.Context, db *sqlite.DB, shop int64) string {
	s, _, err := db.ShopByID(ctx, shop)
	if err != nil || s.Timezone == "" {
		return "Asia/Shanghai"
	}
	return s.Timezone
}
