"""Benchmark: one app server behind nginx against two, in one run.

Run by hand, never by the tests, after bench/generate.py has filled the database:

    .venv/bin/python bench/scale.py [--database-url URL] [--duration 10] [--rounds 3] [--workers 2]

Starts two app servers as deploy/gunicorn.conf.py starts them in production (each with
--workers gunicorn workers), and two nginx servers with deploy/nginx-portal.conf: "one" whose
upstream names the first app server twice, "two" whose upstream names both. Each is measured
with wrk over TLS (16 connections) on the public tracking page, the specialist's queue and a
bare Flask route served the same way, in interleaved rounds (one, two, one, two...) so that the
machine's drift hits both alike. Prints requests/s per page and layout and the ratio two/one.
Needs wrk and nginx (Debian packages).
"""
from __future__ import annotations

import argparse
import atexit
import shutil
import signal
import statistics
import subprocess  # nosec B404
import sys
import tempfile
import time
from pathlib import Path
from string import Template

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from generate import database_url  # noqa: E402
from pages import (SERVERS, WRK_SCRIPT, cookie_header, fetch, free_port, keep, login,  # noqa: E402
                   production_env, samples, stop_servers)


def start_app(name: str, app: str, port: int, env: dict, logs: Path, extra: tuple = ()) -> None:
    log = logs / f"{name}.log"
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "deploy/gunicorn.conf.py", *extra, app]
    with open(log, "w") as out:
        SERVERS.append(subprocess.Popen(command, cwd=ROOT, env={**env, "PORTAL_BIND": f"127.0.0.1:{port}"},
                                        stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(port, "GET", "/healthz" if "wsgi" in app else "/", timeout=5)[0] < 500:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{name} did not start; see {log}")


def start_nginx(name: str, folder: Path, https_port: int, app_1: str, app_2: str) -> None:
    """deploy/nginx-portal.conf under a small main configuration of its own."""
    from tests.deploy.test_layout import nginx_configuration, tls_pair  # the same as the test's

    place = folder / name
    place.mkdir()
    cert, key = tls_pair(place)
    site = Template((ROOT / "deploy" / "nginx-portal.conf").read_text(encoding="utf-8")).safe_substitute(
        SERVER_NAME="motcua.bench.example", HTTP_PORT=free_port(), HTTPS_PORT=https_port, TLS_CERT=cert,
        TLS_KEY=key, STATIC_ROOT=ROOT / "static", APP_1=app_1, APP_2=app_2)
    site = site.replace("access_log", "#access_log")
    config = nginx_configuration(place, site)
    config.write_text(config.read_text().replace(f"access_log {place}/access.log;", "access_log off;"))
    SERVERS.append(subprocess.Popen(["/usr/sbin/nginx", "-g", "daemon off; master_process on;", "-c", str(config)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True))
    time.sleep(0.5)


def wrk(args, port: int, path: str, cookies: dict | None, script: Path, duration: float) -> float:
    import re

    command = ["wrk", "-t", "1", "-c", str(args.connections), "-d", f"{duration:g}s", "--timeout", "10s",
               "-s", str(script)]
    if cookies:
        command += ["-H", f"Cookie: {cookie_header(cookies)}"]
    command.append(f"https://127.0.0.1:{port}{path}")
    out = subprocess.run(command, capture_output=True, text=True, check=False)  # nosec B603
    found = re.search(r"^BENCH ([\d ]+)$", out.stdout, re.MULTILINE)
    if not found:
        raise SystemExit(f"wrk failed on {path}:\n{out.stdout}\n{out.stderr}")
    requests, micros, status_errors = (int(x) for x in found.group(1).split()[:3])
    if status_errors:
        raise SystemExit(f"{status_errors} answers were not 2xx/3xx on {path}")
    return requests / (micros / 1e6)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each app server")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args(argv)
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is not installed (Debian package {tool})")
    url = database_url(args.database_url)
    found = samples(url)
    logs = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    script = logs / "report.lua"
    script.write_text(WRK_SCRIPT)
    env = production_env(url, logs)
    env.update(REDIS_URL=args.redis_url, PROXY_COUNT="1", WEB_CONCURRENCY=str(args.workers),
               TRACKING_RATE_LIMIT="1000000 per minute", LOGIN_RATE_LIMIT="1000000 per minute",
               LOG_FORMAT="json", PYTHONDONTWRITEBYTECODE="1")
    atexit.register(stop_servers)
    signal.signal(signal.SIGTERM, lambda *_: (stop_servers(), sys.exit(143)))

    apps = {name: free_port() for name in ("app1", "app2", "bare1", "bare2")}
    start_app("app1", "wsgi:app", apps["app1"], env, logs)
    start_app("app2", "wsgi:app", apps["app2"], env, logs)
    start_app("bare1", "bare_app:app", apps["bare1"], env, logs, ("--pythonpath", str(BENCH)))
    start_app("bare2", "bare_app:app", apps["bare2"], env, logs, ("--pythonpath", str(BENCH)))
    layouts = {"one": free_port(), "two": free_port(), "bare one": free_port(), "bare two": free_port()}
    start_nginx("one", logs, layouts["one"], f"127.0.0.1:{apps['app1']}", f"127.0.0.1:{apps['app1']}")
    start_nginx("two", logs, layouts["two"], f"127.0.0.1:{apps['app1']}", f"127.0.0.1:{apps['app2']}")
    start_nginx("bare-one", logs, layouts["bare one"], f"127.0.0.1:{apps['bare1']}", f"127.0.0.1:{apps['bare1']}")
    start_nginx("bare-two", logs, layouts["bare two"], f"127.0.0.1:{apps['bare1']}", f"127.0.0.1:{apps['bare2']}")

    specialist = login(apps["app1"], "specialist")  # a session is good on every instance
    pages = [("bare Flask route", "/", None, "bare "),
             ("public tracking", f"/tracking?code={found['code']}&key={found['key']}", None, ""),
             ("specialist's queue", "/officer/mine", specialist, "")]
    print(f"{found['total']:,} dossiers; each app server: gunicorn -c deploy/gunicorn.conf.py, "
          f"{args.workers} workers; nginx with deploy/nginx-portal.conf; wrk {args.connections} connections "
          f"over TLS, {args.duration:g} s x {args.rounds} rounds; logs in {logs}")
    results = {(label, layout): [] for label, *_ in pages for layout in ("one", "two")}
    for label, path, cookies, prefix in pages:  # warm up every worker
        for layout in ("one", "two"):
            wrk(args, layouts[prefix + layout], path, cookies, script, 2)
    for round_no in range(1, args.rounds + 1):
        for label, path, cookies, prefix in pages:
            for layout in ("one", "two"):
                if cookies:
                    keep(cookies, {k: v for k, v in fetch(apps["app1"], "GET", path, cookies)[3].items() if v})
                rps = wrk(args, layouts[prefix + layout], path, cookies, script, args.duration)
                results[(label, layout)].append(rps)
                print(f"  round {round_no}: {label:20} {layout:3} {rps:8.0f} req/s", flush=True)
    print(f"\n{'page':22} {'one server':>11} {'two servers':>12} {'two / one':>10}")
    for label, *_ in pages:
        one, two = results[(label, "one")], results[(label, "two")]
        ratio = statistics.median(b / a for a, b in zip(one, two))
        print(f"{label:22} {statistics.median(one):11.0f} {statistics.median(two):12.0f} {ratio:9.2f}x")
    stop_servers()
    return 0


if __name__ == "__main__":
    sys.exit(main())
