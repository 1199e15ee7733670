"""Background jobs on RQ: real worker processes (`flask worker`) on the Redis server of this
machine, a real SMTP server (aiosmtpd) when mail must travel, and the in-process fallback."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess  # nosec B404
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from portal.documents.models import Slip
from portal.dossiers import operations as ops
from portal.extensions import db
from portal.services import jobs
from portal.services.mail import send_mail
from portal.services.storage import get_storage
from portal.services.unit_of_work import commit
from tests.conftest import Outbox, free_port, sign_in
from tests.factories import UserFactory, amendment_draft

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def queued(scratch_app, tmp_path):
    """The scratch portal with a job queue of its own on the local Redis."""
    name = f"test-{uuid.uuid4().hex[:10]}"
    scratch_app.config.update(REDIS_URL=REDIS_URL, JOB_QUEUE=name, JOB_RETRY_DELAYS=[0, 0])
    yield scratch_app
    with scratch_app.app_context():
        queue = jobs.get_queue()
        for job_id in queue.failed_job_registry.get_job_ids():
            queue.failed_job_registry.remove(job_id, delete_job=True)
        queue.delete(delete_jobs=True)


def worker_env(app, tmp_path, **extra) -> dict:
    config = app.config
    return {**os.environ, "FLASK_APP": "wsgi", "PORTAL_ENV": "development",
            "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"], "INSTANCE_PATH": str(tmp_path / "worker"),
            "STORAGE_DIR": config["STORAGE_DIR"], "OUTBOX_DIR": config["OUTBOX_DIR"], "REDIS_URL": REDIS_URL,
            "JOB_QUEUE": config["JOB_QUEUE"], "JOB_RETRY_DELAYS": "0,0", "MAIL_SERVER": "", **extra}


def work(app, tmp_path, **extra) -> subprocess.CompletedProcess:
    """`flask worker --burst`: a real worker process that stops when the queue is empty."""
    return subprocess.run([sys.executable, "-m", "flask", "worker", "--burst"], cwd=ROOT,  # nosec B603
                          env=worker_env(app, tmp_path, **extra), capture_output=True, text=True, timeout=120)


def submitted_dossier(email: str):
    investor = UserFactory(email=email)
    dossier = amendment_draft(investor, "Dự án hàng đợi")
    ops.submit_dossier(dossier, investor)
    commit()
    return dossier


def test_a_worker_sends_the_submissions_mail_and_renders_its_receipt(queued, tmp_path):
    outbox = Outbox(Path(queued.config["OUTBOX_DIR"]))
    Path(queued.config["OUTBOX_DIR"]).mkdir(parents=True, exist_ok=True)
    with queued.app_context():
        desk = UserFactory(desk_officer=True, email="mot-cua@example.com")
        dossier = submitted_dossier("hang-doi@example.com")
        ops.receive_dossier(dossier, desk)
        commit()
        receipt = db.session.scalar(db.select(Slip).where(Slip.dossier_id == dossier.id))
        assert receipt.storage_key is None  # waiting for the worker
        assert outbox.messages == [] and jobs.get_queue().count >= 3
        code = dossier.code

    result = work(queued, tmp_path)
    assert result.returncode == 0, result.stderr

    with queued.app_context():
        assert jobs.get_queue().count == 0 and jobs.counts()["failed"] == 0
        receipt = db.session.scalar(db.select(Slip).where(Slip.dossier_id == dossier.id))
        assert receipt.storage_key and receipt.sha256
        with get_storage().open(receipt.storage_key) as pdf:
            assert pdf.read(5) == b"%PDF-"
    to_investor = outbox.to("hang-doi@example.com")
    assert to_investor and all(code in m["Subject"] or code in Outbox.body(m) for m in to_investor)
    assert outbox.to("mot-cua@example.com")  # the desk hears of the new dossier

    # The same rendering asked again (a retry after a lost answer) keeps the one stored slip.
    with queued.app_context():
        jobs.dispatch("portal.documents.operations.render_after_commit", (receipt.id,))
    assert work(queued, tmp_path).returncode == 0
    with queued.app_context():
        assert [k for k in get_storage().iter_keys() if k.startswith(f"slips/{dossier.id}/")] == [receipt.storage_key]
        assert db.session.get(Slip, receipt.id).storage_key == receipt.storage_key


def test_every_recurring_job_is_a_task():
    from portal.services.cli import RECURRING

    assert {jobs.task_named(name).__name__ for name, _cron in RECURRING} == {
        "send_reminders", "expire_registrations", "mail_monthly_report", "remove_old_files"}


class Mailbox:
    """A real SMTP server on 127.0.0.1 that keeps what it receives; it can hold the first
    conversation (`hold_first`) until released."""

    def __init__(self, hold_first: bool = False, refuse: bool = False):
        from aiosmtpd.controller import Controller

        self.messages: list[bytes] = []
        self.refuse, self.refused = refuse, 0
        self.greeted = threading.Event()
        self.release = threading.Event()
        self.hold_first = hold_first
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.hold_first and not self.greeted.is_set():
            self.greeted.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return responses

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.messages.append(envelope.content)
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.controller.stop()


def mail_env(port: int) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_USE_TLS": "0"}


def test_a_failing_job_is_retried_then_kept_shown_and_retried_by_an_administrator(queued, tmp_path):
    with queued.app_context():
        send_mail("nha-dau-tu@example.com", "accounts/emails/password_changed", "vi",
                  user=UserFactory(email="nha-dau-tu@example.com"))
        admin_id = UserFactory(admin=True).id
        commit()

    with Mailbox(refuse=True) as mailbox:
        result = work(queued, tmp_path, **mail_env(mailbox.port))
        assert result.returncode == 0
        assert mailbox.refused == 3 and mailbox.messages == []  # the first try and two retries
        with queued.app_context():
            queue = jobs.get_queue()
            assert queue.count == 0 and queue.failed_job_registry.count == 1
            job = queue.fetch_job(queue.failed_job_registry.get_job_ids()[0])
            assert job.retries_left == 0
        client = queued.test_client()
        with queued.app_context():
            from portal.accounts.models import User

            sign_in(client, db.session.get(User, admin_id))
        page = client.get("/admin/jobs").get_data(as_text=True)
        assert "Gửi thư điện tử" in page and "SMTPDataError" in page and job.id in page

        mailbox.refuse = False  # the mail server is fixed
        answer = client.post(f"/admin/jobs/{job.id}/retry", follow_redirects=True).get_data(as_text=True)
        assert "Công việc đã được đưa lại vào hàng đợi" in answer
        with queued.app_context():
            assert jobs.counts() == {"queued": 1, "failed": 0}
        result = work(queued, tmp_path, **mail_env(mailbox.port))
        assert result.returncode == 0, result.stderr
        assert len(mailbox.messages) == 1 and b"nha-dau-tu@example.com" in mailbox.messages[0]
    assert "Không có công việc nào bị lỗi" in client.get("/admin/jobs").get_data(as_text=True)
    with queued.app_context():
        from portal.audit.models import AuditEvent

        assert db.session.scalar(db.select(AuditEvent.target).where(AuditEvent.action == "jobs.retry")) == job.id


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_a_worker_killed_mid_job_retries_it_and_the_mail_goes_once(queued, tmp_path):
    with queued.app_context():
        send_mail("mot-lan@example.com", "accounts/emails/password_changed", "vi",
                  user=UserFactory(email="mot-lan@example.com"))
        commit()
        letter_job = jobs.get_queue().get_jobs()[0]
        letter = letter_job.args[1][0]

    with Mailbox(hold_first=True) as mailbox:
        worker = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT,  # nosec B603
                                  env=worker_env(queued, tmp_path, **mail_env(mailbox.port)),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert mailbox.greeted.wait(60), "the worker never reached the mail server"
            horses = _children(worker.pid)
            assert len(horses) == 1
            os.kill(horses[0], signal.SIGKILL)  # the process running the job dies mid-conversation
            mailbox.release.set()
            deadline = time.monotonic() + 60
            while not mailbox.messages and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(mailbox.messages) == 1

            # The same message handed to the queue again (a retry after a lost answer) is not sent twice.
            with queued.app_context():
                jobs.dispatch("portal.services.mail.deliver", (letter,))
                deadline = time.monotonic() + 30
                while jobs.get_queue().count and time.monotonic() < deadline:
                    time.sleep(0.1)
                time.sleep(1)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        assert len(mailbox.messages) == 1
        assert f"Message-ID: {letter['id']}".encode() in mailbox.messages[0]
    with queued.app_context():
        assert jobs.counts()["failed"] == 0


def test_without_redis_the_portal_sends_mail_itself_and_says_so(app, client, db, outbox, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")  # nothing listens
    app.extensions.pop("portal_redis", None)
    UserFactory(email="khong-redis@example.com")
    db.session.commit()
    try:
        with caplog.at_level("WARNING"):
            answer = client.post("/account/forgot", data={"email": "khong-redis@example.com"})
    finally:
        app.extensions.pop("portal_redis", None)
    assert answer.status_code == 302
    assert "/account/reset/" in Outbox.body(outbox.to("khong-redis@example.com")[0])
    assert any("job queue unreachable" in r.getMessage() for r in caplog.records)
