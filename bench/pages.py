"""Benchmark: the portal's main pages under load, as ratios to a bare Flask route.

Run by hand, never by the tests, after bench/generate.py has filled the database:

    .venv/bin/python bench/pages.py [--database-url URL] [--duration 10] [--connections 16] [--rounds 3]

Serves, on free localhost ports, the portal (`gunicorn -w 2 wsgi:app`) and a bare Flask app
whose one route answers "ok" (bench/bare_app.py, same gunicorn settings); logs in once per
role through real HTTP (the login form with its CSRF token, then for officers the TOTP code
of the demo key, computed with pyotp); then measures each page with wrk, in interleaved rounds
(bare, page 1, page 2, ..., bare, page 1, ...) so that the machine's drift hits all alike, and
prints per page: the answer's status, requests per second (median of the rounds), its ratio to
the bare route's (median of each round's ratio), p50/p95/p99 latency (wrk's Lua `done` hook),
and the count of answers that were neither 2xx nor 3xx.

How the portal is served: PORTAL_ENV=production (the configuration that is deployed), which
starts only with a 32+ byte SECRET_KEY, Fernet ENCRYPTION_KEYS, a DATABASE_URL, a public
PUBLIC_URL and, with two workers, REDIS_URL. The keys are bench/generate.py's (bench_secrets:
the environment's SECRET_KEY/ENCRYPTION_KEYS if set, else fixed bench-only values), with which it
encrypted the officers' TOTP secrets; PUBLIC_URL is https://motcua.bench.example (only used in
links in mail and slips); REDIS_URL is --redis-url (default redis://127.0.0.1:6379/14: the rate
limits live there as in production; without a Redis the limits fall back to memory with
ALLOW_MEMORY_RATE_LIMITS=1, said on the output). Production cookies are Secure and named
__Host-session: this script keeps them itself and sends them over plain HTTP, which the server
accepts. Rate limits: the limiter stays on (each tracking lookup still counts in Redis), but
TRACKING_RATE_LIMIT, LOGIN_RATE_LIMIT and REPORT_RATE_LIMIT are raised to 1000000 per minute so
that the tracking page and the reports are measured, not their 429 answer (and a rerun within a
minute can still log in).

A logged-in session is refreshed by the server at most once a minute (its last-seen time): the
script reads each page once before measuring it, keeps the cookie that comes back, and so each
wrk run starts with a fresh one (runs longer than a minute would re-sign the cookie on every
request). Needs wrk (Debian package `wrk`).
"""
from __future__ import annotations

import argparse
import atexit
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from generate import bench_secrets, database_url  # noqa: E402  (bench/generate.py)

DEMO_PASSWORD = "KonTum@Demo2026"  # nosec B105 (the demo accounts of `flask demo load`)
DEMO_TOTP = "KONTUMDEMOPORTALMOTCUA23"  # nosec B105
ACCOUNTS = {
    "desk": "motcua@example.com",
    "head": "truongphong@example.com",
    "specialist": "chuyenvien@example.com",
    "leader": "lanhdao@example.com",
    "investor": "nhadautu@example.com",
    "admin": "admin@example.com",
}
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
SERVERS: list[subprocess.Popen] = []


# --- servers ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name: str, app: str, port: int, env: dict, workers: int, logs: Path, extra: tuple = ()) -> subprocess.Popen:
    log = logs / f"{name}.log"
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", *extra, app]
    with open(log, "w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # its own group: stopped with its workers
    SERVERS.append(proc)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} server exited ({proc.returncode}); its log {log}:\n{log.read_text()[-3000:]}")
        try:
            status, _headers, _body, _cookies = fetch(port, "GET", "/", timeout=5)
            if status < 500:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{name} server not ready after 60 s; its log {log}:\n{log.read_text()[-3000:]}")


def stop_servers(*_args) -> None:
    while SERVERS:
        proc = SERVERS.pop()
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # the group this script started, by its id
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            except ProcessLookupError:
                pass


def interrupted(signum, _frame) -> None:
    stop_servers()
    raise SystemExit(128 + signum)


def production_env(url: str, logs: Path) -> dict:
    """The environment of a portal served as in production, with the bench's keys (those that
    encrypted the demo officers' TOTP secrets) and its files under `logs`."""
    secret, keys = bench_secrets()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN_", "WEB_CONCURRENCY"))}
    env.update(PORTAL_ENV="production", SECRET_KEY=secret, ENCRYPTION_KEYS=keys, DATABASE_URL=url,
               PUBLIC_URL="https://motcua.bench.example", INSTANCE_PATH=str(logs / "instance"))
    return env


# --- HTTP with the cookies kept by hand ------------------------------------------------

def fetch(port: int, method: str, path: str, cookies: dict | None = None, form: dict | None = None,
          timeout: float = 30) -> tuple[int, http.client.HTTPMessage, str, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": f"127.0.0.1:{port}"}
    if cookies:
        headers["Cookie"] = cookie_header(cookies)
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
    finally:
        conn.close()
    changed = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        pair, _sep, attributes = header.partition(";")
        name, _eq, value = pair.strip().partition("=")
        gone = re.search(r"max-age=0|expires=thu, 01 jan 1970", attributes, re.IGNORECASE)
        changed[name] = None if gone or not value else value
    return response.status, response.headers, text, changed


def cookie_header(cookies: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def keep(cookies: dict, changed: dict) -> None:
    for name, value in changed.items():
        if value is None:
            cookies.pop(name, None)
        else:
            cookies[name] = value


def csrf_token(html: str) -> str:
    for pattern in (r'name="csrf_token"[^>]*value="([^"]+)"', r'value="([^"]+)"[^>]*name="csrf_token"'):
        found = re.search(pattern, html)
        if found:
            return found.group(1)
    raise SystemExit("no csrf_token in the login form")


def login(port: int, role: str) -> dict:
    """Log in as the demo account of `role` through the forms; returns the session's cookies."""
    import pyotp

    email, cookies = ACCOUNTS[role], {}
    status, _h, html, changed = fetch(port, "GET", "/account/login")
    keep(cookies, changed)
    status, headers, html, changed = fetch(port, "POST", "/account/login", cookies,
                                           {"email": email, "password": DEMO_PASSWORD,
                                            "csrf_token": csrf_token(html)})
    keep(cookies, changed)
    if status != 302:
        raise SystemExit(f"login as {email} answered {status}: did bench/generate.py fill this database?")
    if "/account/mfa" in (headers.get("Location") or ""):
        for attempt in range(3):
            status, _h, html, changed = fetch(port, "GET", "/account/mfa", cookies)
            keep(cookies, changed)
            code = pyotp.TOTP(DEMO_TOTP).now()
            status, headers, html, changed = fetch(port, "POST", "/account/mfa", cookies,
                                                   {"code": code, "csrf_token": csrf_token(html)})
            keep(cookies, changed)
            if status == 302:
                break
            # A code works once: a login of this account a moment ago took it. Wait for the next.
            time.sleep(30 - time.time() % 30 + 1)
        else:
            raise SystemExit(f"the TOTP code of {email} was refused three times")
    return cookies


# --- wrk -------------------------------------------------------------------------------

def run_wrk(args, port: int, path: str, cookies: dict | None, script: Path, duration: float) -> dict:
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{duration:g}s",
               "--timeout", "10s", "-s", str(script)]
    if cookies:
        command += ["-H", f"Cookie: {cookie_header(cookies)}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    found = re.search(r"^BENCH ([\d ]+)$", out.stdout, re.MULTILINE)
    if out.returncode != 0 or not found:
        raise SystemExit(f"wrk failed on {path}:\n{out.stdout}\n{out.stderr}")
    (requests, micros, status_errors, connect, read, write, timeout,
     p50, p95, p99) = (int(x) for x in found.group(1).split())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out.stdout)
    return {"rps": requests / (micros / 1e6), "requests": requests, "p50": p50 / 1000, "p95": p95 / 1000,
            "p99": p99 / 1000, "non2xx": int(non2xx.group(1)) if non2xx else status_errors,
            "socket_errors": connect + read + write + timeout}


# --- what to measure ---------------------------------------------------------------------

def samples(url: str) -> dict:
    """Real values from the database: a tracked dossier, the specialist's dossier, a month of the book."""
    import importlib

    import sqlalchemy as sa

    from portal.extensions import db

    importlib.import_module("portal.models")  # every table in the metadata

    t = db.metadata.tables
    d, u = t["dossiers"], t["users"]
    engine = sa.create_engine(url)
    try:
        conn = engine.connect()
    except sa.exc.OperationalError as exc:
        raise SystemExit(f"cannot open {url}: {exc.orig}\nrun bench/generate.py --dossiers N first") from None
    with conn:
        total = conn.scalar(sa.select(sa.func.count()).select_from(d))
        if not total:
            raise SystemExit("no dossiers in this database: run bench/generate.py --dossiers N first")
        specialist = conn.execute(sa.select(u.c.id, u.c.unit_id).where(u.c.email == ACCOUNTS["specialist"])).first()
        if specialist is None:
            raise SystemExit("no demo accounts in this database: run bench/generate.py first")
        tracked = conn.execute(sa.select(d.c.code, d.c.lookup_key).where(d.c.state == "in_progress")
                               .order_by(d.c.submitted_at.desc()).limit(1)).first()
        mine = conn.scalar(sa.select(d.c.id).where(d.c.assignee_id == specialist.id, d.c.state == "in_progress")
                           .order_by(d.c.due_at, d.c.id).limit(1))
        today = datetime.now(timezone.utc).date()
        month_end = today.replace(day=1) - timedelta(days=1)  # the last full month
        month_start = month_end.replace(day=1)
        in_book = conn.scalar(sa.select(sa.func.count()).where(
            d.c.book_entered_at >= datetime.combine(month_start, datetime.min.time(), timezone.utc),
            d.c.book_entered_at < datetime.combine(month_end + timedelta(days=1), datetime.min.time(),
                                                   timezone.utc)))
    engine.dispose()
    if tracked is None or mine is None:
        raise SystemExit("no dossier in progress for the demo specialist: generate more dossiers")
    return {"total": total, "code": tracked.code, "key": tracked.lookup_key, "dossier": mine,
            "unit": specialist.unit_id, "month": (month_start, month_end), "in_book": in_book}


def pages(s: dict) -> list[tuple[str, str, str | None]]:
    """(label, path, role) of every page measured; role None: anonymous."""
    start, end = s["month"]
    tail = s["code"].rsplit("-", 1)[-1]
    return [
        ("tracking (code + key)", f"/tracking?code={quote(s['code'])}&key={s['key']}", None),
        ("home /", "/", None),
        ("investor: my dossiers", "/dossiers/", "investor"),
        ("officer: a dossier", f"/officer/dossiers/{s['dossier']}", "specialist"),
        ("queue /officer/desk", "/officer/desk", "desk"),
        ("queue /officer/unit", "/officer/unit", "head"),
        ("queue /officer/mine", "/officer/mine", "specialist"),
        ("queue /officer/approvals", "/officer/approvals", "leader"),
        (f"book {start:%m/%Y}", f"/officer/book?start={start.isoformat()}&end={end.isoformat()}", "desk"),
        (f"search code tail {tail}", f"/officer/search?code={tail}", "desk"),
        ("search enterprise 'sao mai'", "/officer/search?enterprise=sao+mai", "desk"),
        ("search filters", f"/officer/search?state=in_progress&unit={s['unit']}&overdue=1", "desk"),
        (f"service report, year {end.year}", f"/reports/service?kind=year&year={end.year}", "leader"),
        ("public dashboard /statistics", "/statistics", None),
        ("procedure page /procedures/QLDT-01", "/procedures/QLDT-01", None),
        ("catalogue /procedures/", "/procedures/", None),
        ("admin: procedures", "/admin/procedures", "admin"),
        ("admin: a version", "/admin/procedures/QLDT-01/versions/2", "admin"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: DATABASE_URL or the portal_bench database")
    parser.add_argument("--duration", type=float, default=10, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1 leaves the cores to the servers)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load on each page before the rounds")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--only", help="measure only the pages whose label contains this text")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (Debian package wrk)")
    url = database_url(args.database_url)
    found = samples(url)

    logs = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    script = logs / "report.lua"
    script.write_text(WRK_SCRIPT)
    env = production_env(url, logs)
    env.update(TRACKING_RATE_LIMIT="1000000 per minute", LOGIN_RATE_LIMIT="1000000 per minute",
               REPORT_RATE_LIMIT="1000000 per minute",
               PYTHONDONTWRITEBYTECODE="1")
    limiter = f"Redis {args.redis_url}"
    try:
        import redis

        redis.Redis.from_url(args.redis_url, socket_timeout=2).ping()
        env["REDIS_URL"] = args.redis_url
    except Exception as exc:  # noqa: BLE001 (any failure: say it and go on in memory)
        env["ALLOW_MEMORY_RATE_LIMITS"] = "1"
        env.pop("REDIS_URL", None)
        limiter = f"memory (no Redis at {args.redis_url}: {exc})"

    atexit.register(stop_servers)
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    portal_port, bare_port = free_port(), free_port()
    start("portal", "wsgi:app", portal_port, env, args.workers, logs)
    start("bare", "bare_app:app", bare_port, env, args.workers, logs, ("--pythonpath", str(BENCH)))

    wanted = [p for p in pages(found) if not args.only or args.only in p[0]]
    sessions = {role: login(portal_port, role) for role in sorted({r for _l, _p, r in wanted if r})}
    entries = [("bare Flask route", bare_port, "/", None)] + [(label, portal_port, path, role)
                                                             for label, path, role in wanted]
    print(f"portal: gunicorn -w {args.workers}, PORTAL_ENV=production, rate limits in {limiter}")
    print(f"database: {found['total']:,} dossiers ({url.split('@')[-1]}); book month has {found['in_book']:,} "
          f"entries; tracked {found['code']}")
    print(f"wrk: {args.connections} connections, {args.threads} thread(s), {args.duration:g} s x {args.rounds} "
          f"rounds after {args.warmup:g} s of warm-up; logs in {logs}")

    statuses: dict[str, int] = {}

    def check(label, port, path, role) -> dict | None:
        """One plain request: its status for the table, and a fresh session cookie."""
        cookies = sessions.get(role) if role else None
        status, _h, _body, changed = fetch(port, "GET", path, cookies)
        if role:
            keep(sessions[role], {k: v for k, v in changed.items() if v})
        statuses[label] = status
        return sessions.get(role) if role else None

    if args.warmup > 0:
        for entry in entries:
            run_wrk(args, entry[1], entry[2], check(*entry), script, args.warmup)
    results: dict[str, list[dict]] = {label: [] for label, *_rest in entries}
    for round_no in range(1, args.rounds + 1):
        for entry in entries:
            label, port, path, _role = entry
            result = run_wrk(args, port, path, check(*entry), script, args.duration)
            results[label].append(result)
            print(f"  round {round_no}: {label:30} {result['rps']:8.0f} req/s  status {statuses[label]}",
                  flush=True)

    bare = results["bare Flask route"]
    print()
    print(f"{'page':32} {'status':>6} {'req/s':>8} {'% bare':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'non-2xx/3xx':>12}")
    for label, _port, _path, role in entries:
        runs = results[label]
        ratio = statistics.median(r["rps"] / b["rps"] for r, b in zip(runs, bare)) * 100
        bad = sum(r["non2xx"] for r in runs)
        errors = sum(r["socket_errors"] for r in runs)
        note = f"{bad:,}/{sum(r['requests'] for r in runs):,}" + (f" +{errors} socket errors" if errors else "")
        print(f"{label:32} {statuses[label]:>6} {statistics.median(r['rps'] for r in runs):8.0f} {ratio:6.1f}% "
              f"{statistics.median(r['p50'] for r in runs):8.1f} {statistics.median(r['p95'] for r in runs):8.1f} "
              f"{statistics.median(r['p99'] for r in runs):8.1f} {note:>12}")
    not_ok = [label for label, status in statuses.items() if status != 200]
    if not_ok:
        print(f"\nnot 200 before measuring: {', '.join(f'{label} ({statuses[label]})' for label in not_ok)}")
    stop_servers()
    return 0


if __name__ == "__main__":
    sys.exit(main())
