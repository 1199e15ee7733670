"""Benchmark: submitting a dossier while the mail server takes 2 seconds per message.

Run by hand, never by the tests, after bench/generate.py has filled the database:

    .venv/bin/python bench/submit.py [--database-url URL] [--dossiers 20] [--smtp-delay 2]

Starts a local SMTP server (aiosmtpd) that waits --smtp-delay seconds before accepting each
message, then serves the portal in production mode (gunicorn with deploy/gunicorn.conf.py, 2
workers) twice: with the job queue (REDIS_URL and one `flask worker`) and without it (mail
sent by the web process once the answer has gone). In each, --dossiers investors created for
the run log in and submit a complete draft one after the other; the time of each POST, from
the request to the last byte of the answer, is measured against a bare GET of /healthz on the
same server. Prints how long the submissions took in all, the median, p95 and maximum of a
submission, and how many messages the SMTP server had accepted when the last answer came and
in the end.
"""
from __future__ import annotations

import argparse
import asyncio
import atexit
import statistics
import subprocess  # nosec B404
import sys
import tempfile
import time
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from generate import database_url  # noqa: E402
from pages import SERVERS, csrf_token, fetch, free_port, keep, production_env, stop_servers  # noqa: E402
from scale import start_app  # noqa: E402


class SlowMailServer:
    def __init__(self, delay: float):
        from aiosmtpd.controller import Controller

        self.delay, self.accepted = delay, 0
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.accepted += 1
        return "250 OK"


def drafts(env: dict, count: int, storage: Path) -> list[tuple[str, int]]:
    """`count` investors, each with a complete draft of QLDT-05, written as the portal would."""
    from config import normalise_database_url

    from portal import create_app
    from portal.extensions import db
    from portal.services.unit_of_work import commit
    from tests.factories import EnterpriseFactory, UserFactory, amendment_draft

    EnterpriseFactory.reset_sequence(int(time.time() * 1000) % 90_000_000)  # codes unused by earlier runs
    app = create_app("development", SQLALCHEMY_DATABASE_URI=normalise_database_url(env["DATABASE_URL"]),
                     STORAGE_DIR=str(storage), REDIS_URL="")
    made = []
    with app.app_context():
        run = uuid.uuid4().hex[:6]
        for n in range(count):
            user = UserFactory(email=f"bench-submit-{run}-{n}@example.com")
            made.append((user.email, amendment_draft(user, f"Dự án đo {run} {n}").id))
        commit()
        db.engine.dispose()
    return made


def log_in(port: int, email: str) -> dict:
    from tests.factories import PASSWORD

    cookies = {}
    _s, _h, html, changed = fetch(port, "GET", "/account/login")
    keep(cookies, changed)
    status, _h, _b, changed = fetch(port, "POST", "/account/login", cookies,
                                    {"email": email, "password": PASSWORD, "csrf_token": csrf_token(html)})
    keep(cookies, changed)
    if status != 302:
        raise SystemExit(f"login of {email}: {status}")
    return cookies


def measure(port: int, made: list[tuple[str, int]], mail: SlowMailServer) -> dict:
    times, bare = [], []
    for email, dossier_id in made:
        cookies = log_in(port, email)
        _s, _h, html, changed = fetch(port, "GET", f"/dossiers/{dossier_id}", cookies)
        keep(cookies, changed)
        token = csrf_token(html)
        started = time.perf_counter()
        fetch(port, "GET", "/healthz")
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        status, headers, _b, _c = fetch(port, "POST", f"/dossiers/{dossier_id}/submit", cookies,
                                        {"csrf_token": token})
        times.append(time.perf_counter() - started)
        if status != 302:
            raise SystemExit(f"submit {dossier_id}: {status}")
    return {"times": times, "bare": bare, "accepted_at_end": mail.accepted}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--dossiers", type=int, default=20)
    parser.add_argument("--smtp-delay", type=float, default=2.0)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    logs = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    mail = SlowMailServer(args.smtp_delay)
    mail.controller.start()
    atexit.register(stop_servers)
    atexit.register(mail.controller.stop)
    base = production_env(url, logs)
    base.update(STORAGE_DIR=str(logs / "storage"), MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mail.port),
                MAIL_USE_TLS="0", WEB_CONCURRENCY="2", LOGIN_RATE_LIMIT="1000000 per minute",
                LOG_FORMAT="json", JOB_QUEUE=f"bench-{uuid.uuid4().hex[:8]}", PYTHONDONTWRITEBYTECODE="1")
    print(f"SMTP server waits {args.smtp_delay:g} s per message; {args.dossiers} submissions per layout; "
          f"logs in {logs}")
    rows = []
    for label, extra in (("job queue (RQ + 1 worker)", {"REDIS_URL": args.redis_url}),
                         ("no queue (mail after the answer)", {"REDIS_URL": "", "ALLOW_MEMORY_RATE_LIMITS": "1"})):
        env = {**base, **extra}
        made = drafts(env, args.dossiers, logs / "storage")
        port = free_port()
        start_app(label.split()[0], "wsgi:app", port, env, logs)
        if env["REDIS_URL"]:
            with open(logs / "worker.log", "w") as out:
                SERVERS.append(subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT,  # nosec B603
                                                env={**env, "FLASK_APP": "wsgi"}, stdout=out,
                                                stderr=subprocess.STDOUT, start_new_session=True))
        before, started = mail.accepted, time.perf_counter()
        result = measure(port, made, mail)
        elapsed = time.perf_counter() - started
        times = sorted(result["times"])
        rows.append((label, elapsed, statistics.median(result["bare"]), statistics.median(times),
                     times[int(0.95 * (len(times) - 1))], times[-1], result["accepted_at_end"] - before))
        # Then wait for the rest of the mail: done when nothing more arrived for three delays.
        deadline, last_change, seen = time.monotonic() + 10 * args.smtp_delay * args.dossiers, time.monotonic(), -1
        while time.monotonic() < deadline and time.monotonic() - last_change < 3 * args.smtp_delay + 1:
            if mail.accepted != seen:
                seen, last_change = mail.accepted, time.monotonic()
            time.sleep(0.5)
        rows[-1] += (mail.accepted - before,)
        stop_servers()
    print(f"\n{'layout':34} {'run':>7} {'/healthz':>9} {'submit p50':>11} {'p95':>8} {'max':>8} "
          f"{'mail then':>10} {'mail in all':>12}")
    for label, elapsed, bare, p50, p95, top, then, total in rows:
        print(f"{label:34} {elapsed:6.1f}s {bare * 1000:7.1f}ms {p50 * 1000:9.1f}ms {p95 * 1000:6.1f}ms "
              f"{top * 1000:6.1f}ms {then:>10} {total:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
