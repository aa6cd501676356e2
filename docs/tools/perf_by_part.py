#!/usr/bin/env python3
"""Group a server's perf samples by what they were doing (docs/figures.md,
issue 13 session 13).

Go's profiler does not see the time the kernel and the hypervisor spend on a
syscall or a page fault, nor time inside SQLite's C; perf sees all of it.

    perf record -F 1999 -g -o perf.data -- assist bench [-floor] -panels 10000 -rate 1000 -duration 10s -unseen
    perf script -i perf.data -F pid,time,ip,sym,dso > perf.txt
    python3 docs/tools/perf_by_part.py perf.txt 10000 [--faults]

The server is the lower pid (the load generator is its child); only its
samples of the last 10.5 s (the posting) count. Each sample goes to the first
group whose pattern its stack matches, in the order below; a stack of C
frames only is SQLite's. The second argument, the turns posted, turns sample
counts into microseconds of CPU per turn. With --faults it also prints the
page faults' share (the kernel's time in asm_exc_page_fault) by the Go frames
that touched the page.
"""
import collections
import re
import sys

GROUPS = [
    ("gc", r"runtime\.gcBgMarkWorker|runtime\.gcAssistAlloc|runtime\.bgsweep|runtime\.markroot|runtime\.gcDrain"),
    ("sysmon", r"runtime\.sysmon"),
    ("scheduler", r"runtime\.schedule|runtime\.findRunnable|runtime\.park_m|runtime\.mcall|runtime\.stopm|runtime\.startm|runtime\.wakep"),
    ("committer (Go)", r"turnCommitter"),
    ("recorder (Go)", r"recorder\)"),
    ("engine", r"assistant\.\(\*Engine\)"),
    ("setparts", r"setparts"),
    ("push writes", r"writeLoop|client\)\.write|floorServer\)\.socket"),
    ("socket reads", r"readLoop"),
    ("json", r"encoding/json"),
    ("http read", r"readRequest|bufio\.\(\*Reader\)"),
    ("http write", r"finishRequest|writeRawJSON|chunkWriter"),
    ("turn, other", r"TurnOnce|postTurn|floorServer\)\.post"),
    ("http, other", r"net/http"),
]


def samples(path):
    for block in open(path).read().split("\n\n"):
        lines = [l.strip() for l in block.strip().split("\n") if l.strip()]
        if not lines:
            continue
        m = re.match(r"(\d+)\s+([\d.]+):", lines[0])
        if not m:
            continue
        frames = []
        for l in lines[1:]:
            p = l.split(None, 2)
            if len(p) >= 2:
                frames.append((p[1], p[2] if len(p) > 2 else ""))
        yield int(m.group(1)), float(m.group(2)), frames


def main():
    path, turns = sys.argv[1], int(sys.argv[2])
    all_ = list(samples(path))
    server = min(p for p, _, _ in all_)
    end = max(t for p, t, _ in all_ if p == server)
    mine = [f for p, t, f in all_ if p == server and t > end - 10.5]
    groups, sqlite_calls = collections.Counter(), collections.Counter()
    for frames in mine:
        user = [s for s, dso in frames if "kernel" not in dso]
        if user and not any("/" in s or s.startswith(("runtime", "main", "sync", "net")) for s in user):
            groups["SQLite (C)"] += 1
            named = [s for s in user if s != "[unknown]"]
            sqlite_calls[named[-1] if named else "[unknown]"] += 1
            continue
        stack = " ".join(s for s, _ in frames)
        for name, pattern in GROUPS:
            if re.search(pattern, stack):
                groups[name] += 1
                break
        else:
            groups["other"] += 1
    hz = 1999
    per_turn = lambda n: n / hz / turns * 1e6
    print(f"{len(mine)} samples, {per_turn(len(mine)):.0f} µs of CPU per turn")
    for name, n in groups.most_common():
        print(f"{per_turn(n):7.1f} µs  {100 * n / len(mine):5.1f}%  {name}")
    print("SQLite's C by outermost function (syscalls: __libc_pwrite, __fcntl64…, fsync, __libc_pread):")
    for name, n in sqlite_calls.most_common(8):
        print(f"{per_turn(n):7.1f} µs  {name}")
    if "--faults" in sys.argv[3:]:
        faults = collections.Counter()
        for frames in mine:
            syms = [s for s, _ in frames]
            if "asm_exc_page_fault" in syms:
                above = [s for s in syms[syms.index("asm_exc_page_fault") + 1:] if not s.startswith("[")]
                faults[" < ".join(above[:3])] += 1
        print(f"{per_turn(sum(faults.values())):7.1f} µs  page faults, by what touched the page:")
        for name, n in faults.most_common(8):
            print(f"{per_turn(n):7.1f} µs  {name}")


if __name__ == "__main__":
    main()
