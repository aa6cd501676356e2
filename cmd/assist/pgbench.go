package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// benchSchema makes a schema of its own in the database dsn names, for one
// bench run, and returns dsn pointed at it and a func that drops it.
func benchSchema(ctx context.Context, dsn string) (string, func(), error) {
	if !isPostgres(dsn) {
		return "", nil, fmt.Errorf("-store %q: want a PostgreSQL DSN, postgres://user@host/db", dsn)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("-store: %w", err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", nil, fmt.Errorf("-store: %w", err)
	}
	defer conn.Close(ctx)
	schema := pgx.Identifier{fmt.Sprintf("assist_bench_%d", time.Now().UnixNano())}
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema.Sanitize()); err != nil {
		return "", nil, fmt.Errorf("bench schema: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema[0])
	u.RawQuery = q.Encode()
	drop := func() {
		ctx := context.Background()
		if conn, err := pgx.Connect(ctx, dsn); err == nil {
			conn.Exec(ctx, `DROP SCHEMA `+schema.Sanitize()+` CASCADE`)
			conn.Close(ctx)
		}
	}
	return u.String(), drop, nil
}

// warmInstances has every instance answer one turn before the clock
// starts, so no measured turn waits for a shop to load (on a loaded machine
// a first turn may outlast the server's write timeout: ask again).
func warmInstances(ctx context.Context, job driveJob) error {
	client := newPoster(time.Minute, serverIdleTimeout*3/4)
	defer client.closeIdle()
	for i, u := range job.URLs {
		c := newBenchConv("bench-warm-up-"+strconv.Itoa(i), u, job.Shops[0])
		deadline := time.Now().Add(3 * time.Minute)
		for {
			_, err := postBenchTurn(ctx, client, c, benchTurn{role: "buyer", text: "你好"}, "")
			if err == nil {
				break
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				return fmt.Errorf("warm up %s: %w", u, err)
			}
			c.sent = nil
			time.Sleep(time.Second)
		}
	}
	return nil
}
