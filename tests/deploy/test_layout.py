"""The production layout of the README, followed by a test: nginx (Debian's, configured by
deploy/nginx-portal.conf) in front of two gunicorn instances (deploy/gunicorn.conf.py) and
one job worker (`flask worker`), all in production mode and sharing PostgreSQL, Redis and an
S3 server (moto's). Everything goes through nginx over TLS from another loopback address,
127.0.0.2, as a client on the network would.

It runs in the PostgreSQL pass of CI (TEST_DATABASE_URL): the layout shares a server
database, which the embedded SQLite is not meant for.
"""
from __future__ import annotations

import getpass
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess  # nosec B404
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from string import Template

import pyotp
import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.conftest import S3_ENV, _scratch_database, _scratch_portal, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CLIENT_ADDRESS = "127.0.0.2"
from tests.factories import PASSWORD  # noqa: E402  (the factories' users and the registered one)
INVESTORS = 8  # submitting at the same moment

pytestmark = [
    pytest.mark.proxy,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                       reason="the production layout shares PostgreSQL: it runs in the PostgreSQL pass"),
]


class FromAddress(HTTPAdapter):
    """Connections leave from CLIENT_ADDRESS, so the portal must learn it from nginx."""

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (CLIENT_ADDRESS, 0)
        super().init_poolmanager(*args, **kwargs)


def tls_pair(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "portal.test")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "portal.crt", folder / "portal.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def nginx_configuration(folder: Path, site: str) -> Path:
    """The main configuration a Debian nginx has, reduced to what the site needs, with its
    files under `folder` (the test runs it in the foreground, not as the system service)."""
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(exist_ok=True)
    (folder / "portal.conf").write_text(site, encoding="utf-8")
    user = "root" if os.geteuid() == 0 else getpass.getuser()
    main = folder / "nginx.conf"
    main.write_text(f"""
user {user};
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/portal.conf;
}}
""", encoding="utf-8")
    return main


def wait_until(check, seconds: float, what: str):
    deadline, last = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
            last = result
        except (requests.RequestException, OSError) as exc:
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


class Layout:
    def __init__(self, base: str, cert: Path, app, logs: list[Path], outbox: Path, env: dict):
        self.base, self.cert, self.app, self.logs, self.outbox, self.env = base, cert, app, logs, outbox, env
        self.worker_log = outbox.parent / "worker.log"

    def client(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE would replace the test's certificate
        session.mount("https://", FromAddress())
        session.verify = str(self.cert)
        session.headers["Referer"] = self.base + "/"  # as a browser sends it (checked with CSRF over HTTPS)
        return session

    def instance_of(self, response: requests.Response) -> int:
        """Which app server answered, from its own log: each logs its requests' ids."""
        request_id = response.headers["X-Request-ID"]

        def find():
            for index, log in enumerate(self.logs):
                if f'"request_id": "{request_id}"' in log.read_text(errors="replace"):
                    return index + 1
            return None

        return wait_until(find, 10, f"request {request_id} in a log")

    def mail_to(self, address: str, count: int = 1) -> list[str]:
        """Bodies of the mail the worker wrote for `address` (waiting for the worker)."""
        import email
        from email import policy

        def found():
            bodies = []
            for path in self.outbox.glob("*.eml"):
                message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
                if address in message["To"]:
                    bodies.append(message.get_body(preferencelist=("plain",)).get_content())
            return bodies if len(bodies) >= count else None

        return wait_until(found, 60, f"mail to {address}")


@pytest.fixture(scope="module")
def layout(database_url, tmp_path_factory, s3_server):
    import boto3
    from cryptography.fernet import Fernet

    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is missing: `make install-dev` installs Debian's (tools/system-deps.sh --browser)")
    folder = tmp_path_factory.mktemp("layout")
    bucket = f"portal-{uuid.uuid4().hex[:12]}"
    ports = {"app1": free_port(), "app2": free_port(), "http": free_port(), "https": free_port()}
    with pytest.MonkeyPatch.context() as patch, _scratch_database(database_url, folder, "_layout") as url:
        for name, value in {**S3_ENV, "AWS_ENDPOINT_URL": s3_server}.items():
            patch.setenv(name, value)
        boto3.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={
            "LocationConstraint": S3_ENV["AWS_DEFAULT_REGION"]})
        env = {**os.environ, **S3_ENV, "AWS_ENDPOINT_URL": s3_server,
               "PORTAL_ENV": "production", "FLASK_APP": "wsgi", "PYTHONPATH": str(ROOT),
               "SECRET_KEY": secrets.token_urlsafe(48), "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
               "PUBLIC_URL": "https://portal.example.vn", "DATABASE_URL": url, "REDIS_URL": REDIS_URL,
               "JOB_QUEUE": f"layout-{bucket}", "RATELIMIT_KEY_PREFIX": f"layout-{bucket}",
               "JOB_RETRY_DELAYS": "0,0", "STORAGE_URL": f"s3://{bucket}/portal", "PROXY_COUNT": "1",
               "INSTANCE_PATH": str(folder / "instance"), "OUTBOX_DIR": str(folder / "outbox"),
               "MAIL_SERVER": "", "WEB_CONCURRENCY": "1", "LOG_FORMAT": "json",
               "TRACKING_RATE_LIMIT": "6 per minute", "LOGIN_RATE_LIMIT": "60 per minute", "TEST_DATABASE_URL": ""}
        (folder / "outbox").mkdir()
        with _scratch_portal(url, folder) as app:
            app.config.update(STORAGE_URL=env["STORAGE_URL"], ENCRYPTION_KEYS=env["ENCRYPTION_KEYS"])
            processes, logs = [], []
            try:
                for index, port in enumerate((ports["app1"], ports["app2"]), start=1):
                    metrics = folder / f"metrics-{index}"
                    metrics.mkdir()
                    log = folder / f"app{index}.log"
                    logs.append(log)
                    processes.append(subprocess.Popen(  # nosec B603
                        [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                        env={**env, "PORTAL_BIND": f"127.0.0.1:{port}", "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
                        stdout=subprocess.DEVNULL, stderr=open(log, "wb")))
                processes.append(subprocess.Popen(  # nosec B603
                    [sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                    stdout=subprocess.DEVNULL, stderr=open(folder / "worker.log", "wb")))
                cert, key = tls_pair(folder)
                site = Template((ROOT / "deploy" / "nginx-portal.conf").read_text(encoding="utf-8")).safe_substitute(
                    SERVER_NAME="portal.example.vn", HTTP_PORT=ports["http"], HTTPS_PORT=ports["https"],
                    TLS_CERT=cert, TLS_KEY=key, STATIC_ROOT=ROOT / "static",
                    APP_1=f"127.0.0.1:{ports['app1']}", APP_2=f"127.0.0.1:{ports['app2']}")
                processes.append(subprocess.Popen(  # nosec B603
                    ["/usr/sbin/nginx", "-g", "daemon off; master_process on;", "-c",
                     str(nginx_configuration(folder, site))], stdout=subprocess.DEVNULL,
                    stderr=open(folder / "nginx.log", "wb")))
                for port in (ports["app1"], ports["app2"]):
                    wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok, 60,
                               f"the app server on {port}")
                layout = Layout(f"https://127.0.0.1:{ports['https']}", cert, app, logs, folder / "outbox", env)
                ready = wait_until(lambda: layout.client().get(layout.base + "/readyz", timeout=5), 30, "nginx")
                assert ready.ok, ready.text
                yield layout
            finally:
                for process in reversed(processes):
                    process.send_signal(signal.SIGTERM)
                for process in processes:
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()
                import redis
                from rq import Queue

                Queue(env["JOB_QUEUE"], connection=redis.Redis.from_url(REDIS_URL)).delete(delete_jobs=True)


def csrf(session: requests.Session, url: str) -> str:
    html = session.get(url).text
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    return found.group(1)


def log_in(layout: Layout, session: requests.Session, email: str, key: str | None = None) -> requests.Response:
    answer = session.post(layout.base + "/account/login", data={
        "email": email, "password": PASSWORD, "csrf_token": csrf(session, layout.base + "/account/login")})
    if key:
        answer = session.post(layout.base + "/account/mfa", data={
            "code": pyotp.TOTP(key).now(), "csrf_token": csrf(session, layout.base + "/account/mfa")})
    assert answer.ok and "/account/login" not in answer.url, (
        [(r.status_code, r.url) for r in answer.history], answer.status_code, answer.url)
    return answer


def make_users(layout: Layout, desk_key: str) -> None:
    from portal.db import utcnow
    from portal.extensions import db
    from portal.services.unit_of_work import commit
    from tests.factories import UserFactory

    with layout.app.app_context():
        desk = UserFactory(desk_officer=True, email="mot-cua@bqlkkt.example.vn")
        desk.set_totp_key(desk_key)
        desk.totp_enabled_at = utcnow()
        commit()
        db.session.remove()


def draft_for(layout: Layout, email: str, with_files: bool) -> int:
    """A draft of `email`'s (an investor made here unless registered through nginx)."""
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.services.unit_of_work import commit
    from tests.factories import UserFactory, amendment_draft

    with layout.app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email)) or UserFactory(email=email)
        dossier_id = amendment_draft(user, f"Dự án của {email}", files=with_files).id
        commit()
        db.session.remove()
    return dossier_id


def test_a_whole_journey_through_nginx_and_two_app_servers(layout):
    from pypdf import PdfReader

    from tests.samples import PDF

    investor, served = layout.client(), set()
    email = "nhung.tran@example.com"
    register = {"full_name": "Trần Thị Hồng Nhung", "email": email, "phone": "0905 123 456", "password": PASSWORD,
                "confirm": PASSWORD, "enterprise_name": "Công ty Cổ phần Nông sản Ngọc Hồi",
                "enterprise_code": "6101987654", "address": "Khu kinh tế cửa khẩu quốc tế Bờ Y",
                "legal_representative": "Trần Văn Hùng", "country": "VN", "language": "vi",
                "csrf_token": csrf(investor, layout.base + "/account/register")}
    answer = investor.post(layout.base + "/account/register", data=register)
    assert answer.ok, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.text))[-1500:]
    served.add(layout.instance_of(answer))
    link = re.search(r"https://portal\.example\.vn(\S+)", layout.mail_to(email)[0]).group(1)
    answer = investor.post(layout.base + link, data={"csrf_token": csrf(investor, layout.base + link)})
    assert "Địa chỉ email đã được xác nhận" in answer.text
    served.add(layout.instance_of(answer))
    log_in(layout, investor, email)

    dossier_id = draft_for(layout, email, with_files=False)
    draft = f"{layout.base}/dossiers/{dossier_id}/edit"
    documents = list(dict.fromkeys(re.findall(rf"/dossiers/{dossier_id}/documents/(\d+)/files",
                                              investor.get(draft).text)))
    assert len(documents) >= 2
    for document_id in documents:
        url = f"{layout.base}/dossiers/{dossier_id}/documents/{document_id}/files"
        answer = investor.post(url, data={"csrf_token": csrf(investor, draft)},
                               files={"file": ("Giấy tờ.pdf", PDF, "application/pdf")})
        assert answer.ok and "Đã đính kèm Giấy tờ.pdf" in answer.text
        served.add(layout.instance_of(answer))
    answer = investor.post(f"{layout.base}/dossiers/{dossier_id}/submit",
                           data={"csrf_token": csrf(investor, f"{layout.base}/dossiers/{dossier_id}")})
    code = re.search(r"Mã hồ sơ: ([^<\s]+?)\.?<", answer.text)
    assert code, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.text))[:3000]
    code = code.group(1)
    served.add(layout.instance_of(answer))
    submitted_by = answer.history[0].headers["X-Request-ID"] if answer.history else answer.headers["X-Request-ID"]

    desk_key = pyotp.random_base32()
    make_users(layout, desk_key)
    desk = layout.client()
    log_in(layout, desk, "mot-cua@bqlkkt.example.vn", desk_key)
    base = f"{layout.base}/officer/dossiers/{dossier_id}"
    answer = desk.post(f"{base}/receive", data={"channel": "online", "csrf_token": csrf(desk, base)})
    assert "Đã tiếp nhận hồ sơ" in answer.text, answer.text[:2000]
    served.add(layout.instance_of(answer))

    page = investor.get(f"{layout.base}/dossiers/{dossier_id}").text
    slip = re.search(rf"/dossiers/{dossier_id}/slips/(\d+)\.pdf", page).group(0)
    pdf = investor.get(layout.base + slip)
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and code in text
    assert served == {1, 2}  # the journey was served by both instances

    # The worker sent the submission's mail, and its log line carries the id of the request
    # that submitted (nginx's X-Request-ID), with no address in it.
    assert layout.mail_to(email, count=2)
    worker_log = [json.loads(line) for line in layout.worker_log.read_text().splitlines() if line.startswith("{")]
    assert any(entry.get("request_id") == submitted_by and entry.get("task") == "portal.services.mail.deliver"
               for entry in worker_log)
    assert not any(email in json.dumps(entry) for entry in worker_log)


def test_rate_limits_are_counted_once_for_both_instances(layout):
    client, served = layout.client(), set()
    answers = [client.get(layout.base + "/tracking", params={"code": "000000.000.000.00-0000", "key": "123456"})
               for _ in range(7)]
    assert 429 not in [a.status_code for a in answers[:6]] and answers[6].status_code == 429
    served = {layout.instance_of(a) for a in answers[:6]}
    assert served == {1, 2}


def test_a_logout_on_one_instance_ends_the_session_on_the_other(layout):
    email = "dang-xuat@example.com"
    draft_for(layout, email, with_files=False)
    client = layout.client()
    log_in(layout, client, email)
    kept = client.cookies.copy()
    logout = client.post(layout.base + "/account/logout", data={"csrf_token": csrf(client, layout.base + "/dossiers/")})
    where = layout.instance_of(logout)
    for _ in range(4):
        replay = layout.client()
        replay.cookies = kept.copy()
        answer = replay.get(layout.base + "/dossiers/", allow_redirects=False)
        if layout.instance_of(answer) != where:
            break
    assert layout.instance_of(answer) != where
    assert answer.status_code == 302 and "/account/login" in answer.headers["Location"]


def test_the_audit_trail_has_the_clients_own_address(layout):
    from portal.audit.models import AuditEvent
    from portal.extensions import db

    email = "dia-chi@example.com"
    draft_for(layout, email, with_files=False)
    client = layout.client()
    client.headers["X-Forwarded-For"] = "203.0.113.66"  # a forged hop: nginx appends the real one
    log_in(layout, client, email)
    with layout.app.app_context():
        ips = set(db.session.scalars(db.select(AuditEvent.ip).where(AuditEvent.action == "login.success",
                                                                    AuditEvent.target == email)))
        db.session.remove()
    assert ips == {CLIENT_ADDRESS}


def test_concurrent_submissions_through_both_instances_get_gapless_codes(layout):
    from portal.dossiers.models import Dossier
    from portal.extensions import db

    drafts = [(f"dong-thoi-{n}@example.com", draft_for(layout, f"dong-thoi-{n}@example.com", with_files=True))
              for n in range(INVESTORS)]
    clients = []
    for email, dossier_id in drafts:
        client = layout.client()
        log_in(layout, client, email)
        clients.append((client, dossier_id, csrf(client, f"{layout.base}/dossiers/{dossier_id}")))
    barrier, answers = threading.Barrier(INVESTORS), []

    def submit(client, dossier_id, csrf_token):
        barrier.wait(timeout=60)
        answers.append(client.post(f"{layout.base}/dossiers/{dossier_id}/submit", data={"csrf_token": csrf_token},
                                   allow_redirects=False))

    threads = [threading.Thread(target=submit, args=c) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [a.status_code for a in answers] == [302] * INVESTORS
    assert {layout.instance_of(a) for a in answers} == {1, 2}
    with layout.app.app_context():
        codes = sorted(db.session.scalars(db.select(Dossier.code).where(
            Dossier.id.in_([d for _, d in drafts]))))
        all_codes = sorted(db.session.scalars(db.select(Dossier.code).where(Dossier.code.is_not(None))))
        db.session.remove()
    serials = [int(c.rsplit("-", 1)[1]) for c in all_codes]
    assert len(codes) == INVESTORS and serials == list(range(1, len(all_codes) + 1))
