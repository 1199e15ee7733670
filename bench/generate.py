"""Fill a database with a realistic caseload for the page benchmarks (bench/pages.py).

Run by hand, never by the tests:

    .venv/bin/python bench/generate.py --dossiers 100000 [--database-url URL] [--seed S] [--reset]

URL defaults to DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/portal_bench (created
when missing); a SQLite URL (sqlite:////tmp/bench.sqlite) works too, for small checks. The
database is migrated to head, the catalogue is loaded (as `flask catalogue load`) and the demo
accounts are created (as `flask demo load`: password KonTum@Demo2026, officers' TOTP key
KONTUMDEMOPORTALMOTCUA23). Then, in bulk (COPY on PostgreSQL, executemany on SQLite), with
the column names taken from the models' tables:
  - about N/150 enterprises (at least 50; Vietnamese names with diacritics, some foreign),
    their representatives and a few more members, about 2 projects each in the 4 zones;
  - extra officers: department heads, desk officers, leaders and enough specialists per
    unit that each has a realistic open queue (a few hundred open dossiers at 100,000);
  - N dossiers over the three years ending now, each simulated through the workflow
    (submission, reception with its due date from portal.calendar, assignment, supplement
    requests, proposals, review, signature or refusal, return, withdrawals, apologies) and
    cut at the present: finished ones are older, open ones recent, some overdue. Codes,
    the daily counters, the tracking book's serials and the slips' numbers are consecutive
    in time order, as the portal would have given them; events, files, slips, supplement
    requests and items, internal notes, ratings and certificate entries follow the history.
    Each dossier has a channel (about 85 % online, 12 % in person, 3 % by post); one received
    and ended (resolved, returned, stopped, withdrawn) has the grade and processing_days that
    operations._fix_grade would have fixed (timeliness.of_dossier at its end, processing_days),
    computed here from the simulated times with the Clock; the others have NULL.
Stored files and slips' PDFs are not created (slips render on their first download).
On PostgreSQL the load runs in one transaction with the secondary indexes dropped and
rebuilt afterwards and foreign-key triggers off (session_replication_role = replica, when
superuser); sequences are reset and the tables analysed. Prints the time of each phase, the
rows per table and sample values (tracking code and key, an enterprise, the queues' sizes).

The officers' TOTP secrets are encrypted with ENCRYPTION_KEYS (else a fixed bench-only key,
BENCH_ENCRYPTION_KEY below): pages.py serves the portal with the same key.
"""
from __future__ import annotations

import argparse
import base64
import gc
import json
import math
import os
import queue
import random
import sys
import threading
import time
from bisect import bisect_right
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Run-time files of the app that generates (outbox, storage) stay out of the code tree.
os.environ.setdefault("INSTANCE_PATH", "/tmp/portal-bench-instance")

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/portal_bench"
# Bench-only secrets, so that generate.py and pages.py agree on the TOTP secrets' encryption.
BENCH_SECRET_KEY = "bench-only-secret-key-never-use-in-production-0123456789"  # nosec B105
BENCH_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"bench-only-fernet-key-0000000000").decode()


def bench_secrets() -> tuple[str, str]:
    """(SECRET_KEY, ENCRYPTION_KEYS): the environment's if set, else the bench-only ones."""
    return (os.environ.get("SECRET_KEY") or BENCH_SECRET_KEY,
            os.environ.get("ENCRYPTION_KEYS") or BENCH_ENCRYPTION_KEY)


def database_url(given: str | None) -> str:
    from config import normalise_database_url

    return normalise_database_url(given or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)


# --- time: epoch seconds (UTC) everywhere, Vietnam is UTC+7 all year ---------------------

OFF = 7 * 3600               # local = UTC + 7 h
OPEN, CLOSE = 7 * 3600, 17 * 3600
DAYLEN = CLOSE - OPEN        # office seconds in a working day
DAY = 86400
PER_PROJECT = 80  # dossiers a project files at most, about
UTC = timezone.utc


def local_day(t: int) -> int:
    return (t + OFF) // DAY


def day_start(d: int) -> int:
    """UTC epoch of local midnight of local day number d."""
    return d * DAY - OFF


def day_date(d: int) -> date:
    return date(1970, 1, 1) + timedelta(days=d)


class Clock:
    """Working days of the official calendar (portal.calendar) as ordinals over a span of
    local day numbers, for office-time arithmetic at constant cost per call."""

    def __init__(self, first: int, last: int):
        from portal.calendar import is_working_day

        self.first = first
        self.cum: list[int] = []      # working days in [first, d]
        self.wdays: list[int] = []    # the working day numbers, in order
        total = 0
        for d in range(first, last + 1):
            if is_working_day(day_date(d)):
                total += 1
                self.wdays.append(d)
            self.cum.append(total)
        self._deadlines: dict[tuple, int] = {}

    def is_working(self, d: int) -> bool:
        i = d - self.first
        return self.cum[i] != (self.cum[i - 1] if i else 0)

    def next_wd(self, d: int, n: int = 1) -> int:
        """The n-th working day after local day d."""
        return self.wdays[self.cum[d - self.first] + n - 1]

    def next_office(self, t: int) -> int:
        """t if the office is open then, else its next opening."""
        d, s = divmod(t + OFF, DAY)
        if self.is_working(d):
            if s < OPEN:
                return day_start(d) + OPEN
            if s <= CLOSE:
                return t
        return day_start(self.next_wd(d)) + OPEN

    def advance(self, t: int, days: float) -> int:
        """t (in office hours) plus `days` of office time."""
        add = int(days * DAYLEN)
        d, s = divmod(t + OFF, DAY)
        room = CLOSE - s
        if add <= room:
            return t + add
        whole, rest = divmod(add - room, DAYLEN)
        return day_start(self.next_wd(d, whole + 1)) + OPEN + rest

    def office_days(self, t1: int, t2: int) -> float:
        """Office days from t1 to t2 (approximate, negative when t2 is earlier)."""
        d1, s1 = divmod(t1 + OFF, DAY)
        d2, s2 = divmod(t2 + OFF, DAY)
        return self.cum[d2 - self.first] - self.cum[d1 - self.first] + (s2 - s1) / DAYLEN

    def office_day(self, t: int) -> int:
        return local_day(self.next_office(t))

    def working_days_between(self, d1: int, d2: int) -> int:
        """portal.calendar.working_days_between of two local day numbers (negative when d2 < d1)."""
        return self.cum[d2 - self.first] - self.cum[d1 - self.first]

    def paused_days(self, started: int, ended: int, kind: str) -> int:
        """portal.calendar.paused_days: the office days a wait for the investor took."""
        first, last = self.office_day(started), self.office_day(ended)
        if last <= first:
            return 0
        if kind == "calendar_days":
            return last - first
        return self.cum[last - self.first] - self.cum[first - self.first]

    def due(self, received: int, days: int, kind: str) -> int:
        """portal.calendar.due_at for a reception in office hours; the deadline day comes from
        the portal's own function, computed once per (day, limit, kind)."""
        from portal.calendar import LOCAL_TZ, due_at

        start = self.next_office(received)
        d, s = divmod(start + OFF, DAY)
        key = (d, days, kind)
        deadline = self._deadlines.get(key)
        if deadline is None:
            moment = datetime.combine(day_date(d), datetime.min.time(), LOCAL_TZ) + timedelta(hours=9)
            result = due_at(moment.astimezone(UTC), days, kind)
            deadline = self._deadlines[key] = (result.astimezone(LOCAL_TZ).date() - date(1970, 1, 1)).days
        return day_start(deadline) + s


# --- words -----------------------------------------------------------------------------

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý", "A", "Y")
MIDDLE = ("Văn", "Thị", "Minh", "Đức", "Thanh", "Ngọc", "Quốc", "Hữu", "Thị Thu", "Công", "Xuân", "Hoài")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Linh",
         "Long", "Minh", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn",
         "Vân", "Việt", "Yến", "Đông", "Giang", "Khoa", "Lộc", "Nhung", "Oanh", "Tú", "Thắng")
COMPANY_KINDS = ("Công ty TNHH", "Công ty TNHH MTV", "Công ty Cổ phần", "Công ty TNHH", "Doanh nghiệp tư nhân",
                 "Hợp tác xã")
ACTIVITIES = ("Đầu tư Phát triển", "Nông sản", "Chế biến Gỗ", "Cao su", "Thương mại Dịch vụ", "Xây dựng",
              "Năng lượng Tái tạo", "Dược liệu", "Khoáng sản", "Vận tải và Logistics", "Chế biến Nông sản",
              "Sắn và Tinh bột", "Cà phê", "Vật liệu Xây dựng", "Thủy điện", "Du lịch Sinh thái", "Cơ khí",
              "Bao bì", "Thực phẩm", "Điện mặt trời")
BRANDS = ("Sao Mai", "Hòa Bình", "Đăk Tô", "Ngọc Linh", "Tây Nguyên", "Bờ Y", "Kon Plông", "Măng Đen",
          "Trường Sơn", "Phú Thịnh", "An Phát", "Hưng Thịnh", "Việt Lào", "Đông Dương", "Sa Thầy",
          "Đăk Hà", "Ngọc Hồi", "Kon Rẫy", "Hoàng Long", "Thành Công", "Minh Phát", "Đại Dương", "Sông Pô Kô",
          "Plei Kần", "Tân Cảnh", "Sao Mai Xanh", "Bắc Tây Nguyên", "Trung Nguyên")
FOREIGN = (("KR", "Hansol Vina Kon Tum Co., Ltd."), ("KR", "Daewon Agro Vietnam"), ("JP", "Sojitz Kon Tum Wood"),
           ("JP", "Toyo Tapioca Vietnam"), ("CN", "Jinko Highland Solar"), ("CN", "Guangxi Cassava Vietnam"),
           ("TH", "Mitr Phol Sugar Kon Tum"), ("TH", "SCG Building Materials Highland"), ("LA", "Lao Viet Agro"),
           ("LA", "Attapeu Logistics"), ("SG", "Highland Herbs Holdings"), ("US", "Pacific Coffee Traders"))
FOREIGN_VI = ("Công ty TNHH {} Việt Nam", "Công ty TNHH {}", "{}")
STREETS = ("Lô A{}", "Lô B{}", "Lô C{}", "Lô D{}", "Lô E{}", "Lô F{}")
ZONE_ADDRESS = {"KCN-HOA-BINH": "KCN Hòa Bình, phường Trường Chinh, tỉnh Quảng Ngãi",
                "KCN-SAO-MAI": "KCN Sao Mai, phường Đăk Cấm, tỉnh Quảng Ngãi",
                "KCN-DAK-TO": "KCN Đăk Tô, xã Đăk Tô, tỉnh Quảng Ngãi",
                "KKTCK-BO-Y": "Khu kinh tế cửa khẩu quốc tế Bờ Y, xã Bờ Y, tỉnh Quảng Ngãi"}
ZONE_WEIGHTS = {"KCN-HOA-BINH": 35, "KCN-SAO-MAI": 30, "KCN-DAK-TO": 15, "KKTCK-BO-Y": 20}
PROJECT_KINDS = ("Nhà máy chế biến tinh bột sắn", "Nhà máy chế biến gỗ", "Dự án trồng và chế biến dược liệu",
                 "Nhà máy điện mặt trời", "Kho ngoại quan", "Nhà máy sản xuất gạch không nung",
                 "Trung tâm logistics", "Nhà máy chế biến cà phê", "Xưởng cơ khí chế tạo",
                 "Nhà máy sản xuất bao bì", "Dự án chăn nuôi công nghệ cao", "Nhà máy chế biến mủ cao su",
                 "Khu dịch vụ thương mại cửa khẩu", "Nhà máy nước sạch")
SECTORS = ("Chế biến nông sản", "Công nghiệp chế biến, chế tạo", "Năng lượng", "Logistics", "Thương mại, dịch vụ",
           "Vật liệu xây dựng", "Dược liệu")
PROPOSE_NOTES = ("Hồ sơ hợp lệ, đủ điều kiện; kính trình phê duyệt.", "Đã thẩm định, đề nghị cấp theo dự thảo.",
                 "Đủ điều kiện giải quyết, kính trình lãnh đạo xem xét.")
FORWARD_NOTES = ("Đồng ý với đề xuất của chuyên viên, kính trình lãnh đạo Ban ký.",
                 "Phòng đã rà soát, thống nhất trình ký.")
SEND_BACK_NOTES = ("Đề nghị rà soát lại vốn đầu tư và tiến độ thực hiện.",
                   "Dự thảo còn sai tên dự án, đề nghị chỉnh sửa.")
DECISION_NOTES = ("", "Đồng ý.", "Đồng ý cấp theo dự thảo.")
DECLINE_NOTES = ("Dự án không phù hợp quy hoạch phân khu của khu công nghiệp.\nNhà đầu tư chưa chứng minh "
                 "được năng lực tài chính.", "Ngành nghề không thuộc danh mục thu hút đầu tư vào khu.")
REFUSE_NOTES = ("Thủ tục không thuộc thẩm quyền giải quyết của Ban Quản lý.",
                "Hồ sơ không đúng mẫu quy định, đã hướng dẫn nhà đầu tư nộp lại.",
                "Dự án nằm ngoài ranh giới khu công nghiệp, khu kinh tế.")
STOP_NOTES = ("Nhà đầu tư không bổ sung hồ sơ theo yêu cầu.", "Dự án đã chấm dứt hoạt động theo quyết định khác.")
WITHDRAW_NOTES = ("Nhà đầu tư thay đổi phương án đầu tư.", "Nộp nhầm thủ tục, sẽ nộp lại hồ sơ khác.",
                  "Điều chỉnh quy mô dự án, rút hồ sơ để hoàn thiện.")
APOLOGY_NOTES = ("Cần lấy ý kiến của Sở Tài chính và Sở Nông nghiệp và Môi trường.",
                 "Hồ sơ phức tạp, cần thêm thời gian thẩm định thực địa.")
SUPPLEMENT_NOTES = ("Đề nghị bổ sung, hoàn thiện hồ sơ theo các nội dung dưới đây.",
                    "Hồ sơ chưa đầy đủ, đề nghị bổ sung các giấy tờ sau.")
SUPPLEMENT_ITEMS = (("Bản sao Giấy chứng nhận đăng ký doanh nghiệp", "Bản sao chưa được chứng thực."),
                    ("Báo cáo tài chính 02 năm gần nhất", "Thiếu báo cáo tài chính năm gần nhất."),
                    ("Đề xuất dự án đầu tư", "Thiếu chữ ký và dấu của nhà đầu tư."),
                    ("Văn bản thỏa thuận thuê lại đất", "Diện tích thuê lại không khớp với đề xuất dự án."),
                    ("Giải trình công nghệ", "Chưa nêu rõ xuất xứ và năm sản xuất của thiết bị."))
NOTE_TEXTS = ("Đã liên hệ nhà đầu tư qua điện thoại.", "Chờ ý kiến của Phòng Quản lý xây dựng.",
              "Lưu ý kiểm tra lại diện tích đất thuê.", "Hồ sơ tương tự đã giải quyết tháng trước.")
RATING_COMMENTS = ("", "", "", "Cán bộ hướng dẫn nhiệt tình.", "Giải quyết đúng hẹn.", "Thủ tục nhanh gọn.",
                   "Cần rút ngắn thời gian chờ.")
HANDOVER = {"at_desk": "Trả trực tiếp tại Bộ phận Một cửa", "post": "Gửi qua dịch vụ bưu chính công ích",
            "online": "Trả kết quả điện tử qua Cổng dịch vụ công"}
FILE_TYPES = (("pdf", "application/pdf", 70), ("docx",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 15),
              ("jpg", "image/jpeg", 10), ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                          5))
# Share of the caseload per procedure code (others: 3); the handling units follow the catalogue.
PROCEDURE_WEIGHTS = {"QLDT-01": 10, "QLDT-02": 3, "QLDT-03": 4, "QLDT-04": 22, "QLDT-05": 8, "QLDT-06": 3,
                     "QLDT-07": 3, "QLDT-08": 2, "QLDT-09": 4, "QLDT-10": 1, "QLDT-11": 1, "XD-01": 12,
                     "LD-01": 16, "MT-01": 9}

# Probabilities of the workflow's branches.
P_DRAFT = 0.025
P_DESK_SUPPLEMENT = 0.05
P_REFUSE = 0.03
P_LATE = 0.08
P_STUCK = 0.003
P_PROC_SUPPLEMENT = 0.10
P_APOLOGY = 0.2          # of the late ones
P_SEND_BACK = 0.03
P_STOP = 0.01
P_DECLINE = 0.03
P_WITHDRAW = (0.003, 0.002, 0.008, 0.002)  # before reception, assignment, proposal, decision
P_WITHDRAW_WAIT = 0.03   # of the supplements asked during processing: withdrawn instead of answered
CHANNELS = ((0.85, "online"), (0.97, "in_person"), (1.0, "post"))  # cumulative shares
GRADED_ENDS = frozenset({"resolved", "returned", "stopped", "withdrawn"})  # operations.GRADED_ENDS, + returned
P_NOTE = 0.06
P_RATING = 0.3
GROWTH = 0.5              # the caseload grows by half over the three years
DOSSIERS_PER_SPECIALIST = 20_000  # over three years: a few hundred open at a time


class RawJSON(str):
    """A JSON value already serialised."""


# --- bulk writers ----------------------------------------------------------------------

_DAY_PREFIX: dict[int, str] = {}
_TIMES: list[str] = []  # "hh:mm:ss+00" for every second of a day


def _escape(v: str) -> str:
    """COPY's text format: backslash, tab and line ends escaped (rare here: test before replacing)."""
    if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
        return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return v


def _pg_ts(v) -> str:
    if v is None:
        return "\\N"
    d, s = divmod(v, DAY)
    prefix = _DAY_PREFIX.get(d)
    if prefix is None:
        prefix = _DAY_PREFIX[d] = day_date(d).isoformat() + " "
        if not _TIMES:
            _TIMES.extend(f"{h:02d}:{m:02d}:{x:02d}+00" for h in range(24) for m in range(60) for x in range(60))
    return prefix + _TIMES[s]


def _pg_text(v) -> str:
    return "\\N" if v is None else _escape(v if isinstance(v, str) else str(v))


def _pg_num(v) -> str:
    return "\\N" if v is None else str(v)


def _pg_bool(v) -> str:
    return "\\N" if v is None else ("t" if v else "f")


def _pg_json(v) -> str:
    if v is None:
        return "\\N"
    if not isinstance(v, RawJSON):
        v = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    return _escape(v)


def _pg_date(v) -> str:
    return "\\N" if v is None else v.isoformat()


class TableSpec:
    """The columns a generator gives for a table, checked against the model's table, plus
    the model's defaults for the columns it does not give (a new column with a default needs
    no change here; one without a default is reported by name)."""

    def __init__(self, table, given: tuple[str, ...]):
        import sqlalchemy as sa

        from portal.db import UTCDateTime

        self.table = table
        unknown = [name for name in given if name not in table.c]
        if unknown:
            raise SystemExit(f"bench/generate.py: {table.name} has no column {', '.join(unknown)} any more; "
                             "update the generator")
        extra_names, extra_values = [], []
        for column in table.c:
            if column.name in given or column.server_default is not None:
                continue
            default = column.default
            if default is not None and (default.is_scalar or default.is_callable):
                value = default.arg if default.is_scalar else default.arg(None)
                if isinstance(value, datetime):
                    value = int(value.timestamp())
                extra_names.append(column.name)
                extra_values.append(value)
            elif not column.nullable and not column.primary_key:
                raise SystemExit(f"bench/generate.py: {table.name}.{column.name} is required and the generator "
                                 "does not fill it; add it")
        self.names = tuple(given) + tuple(extra_names)
        self.extra = tuple(extra_values)
        self.kinds = []
        for name in self.names:
            t = table.c[name].type
            if isinstance(t, (UTCDateTime, sa.DateTime)):
                self.kinds.append("ts")
            elif isinstance(t, sa.JSON):
                self.kinds.append("json")
            elif isinstance(t, sa.Boolean):
                self.kinds.append("bool")
            elif isinstance(t, sa.Date):
                self.kinds.append("date")
            elif isinstance(t, (sa.Integer, sa.Numeric, sa.Float)):
                self.kinds.append("num")
            else:
                self.kinds.append("text")


    def copy_line(self):
        """A function making one line of COPY text from a row (the given columns; the defaults
        are a constant tail): generated once per table with each column's conversion inline, as
        the load spends most of its Python time here."""
        if getattr(self, "_line", None) is not None:
            return self._line
        given = len(self.names) - len(self.extra)
        fields = []
        for i, kind in enumerate(self.kinds[:given]):
            c = f"c{i}"
            fields.append({
                "num": f"{{N if {c} is None else {c}}}",
                "bool": f"{{N if {c} is None else ('t' if {c} else 'f')}}",
                "ts": f"{{N if {c} is None else DAYS[{c} // 86400] + TIMES[{c} % 86400]}}",
                "text": f"{{N if {c} is None else ({c} if {c}.isprintable() and BS not in {c} else ESC({c}))}}",
                "json": f"{{JSON({c})}}",
                "date": f"{{N if {c} is None else {c}.isoformat()}}",
            }[kind])
        fmts = {"ts": _pg_ts, "json": _pg_json, "bool": _pg_bool, "date": _pg_date, "num": _pg_num,
                "text": _pg_text}
        tail = "".join("\t" + fmts[k](v) for k, v in zip(self.kinds[given:], self.extra))
        unpack = ", ".join(f"c{i}" for i in range(given)) + ("," if given == 1 else "")
        body = "\\t".join(fields)  # a tab escape between the fields of the generated f-string
        source = f"def line(row):\n    {unpack} = row\n    return f\"{body}\" + TAIL\n"
        _pg_ts(0)  # fills TIMES
        namespace = {"N": "\\N", "BS": "\\", "ESC": _escape, "JSON": _pg_json, "DAYS": _DAYS, "TIMES": _TIMES,
                     "TAIL": tail}
        exec(compile(source, f"<copy line of {self.table.name}>", "exec"), namespace)  # nosec B102 (our own code)
        self._line = namespace["line"]
        return self._line


class _Days(dict):
    """"YYYY-MM-DD " of each day number, made on first use."""

    def __missing__(self, day: int) -> str:
        value = self[day] = day_date(day).isoformat() + " "
        return value


_DAYS = _Days()


class Writer:
    """Rows as tuples in a TableSpec's given order; COPY on PostgreSQL, executemany elsewhere.
    Everything goes through the session's connection, in its one transaction."""

    def __init__(self, session):
        self.session = session
        self.conn = session.connection()
        self.postgresql = self.conn.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}
        self.specs: dict[str, TableSpec] = {}

    def spec(self, table, given: tuple[str, ...]) -> TableSpec:
        key = table.name
        if key not in self.specs:
            self.specs[key] = TableSpec(table, given)
        return self.specs[key]

    def __enter__(self):
        if self.postgresql:
            self.pg = self.conn.connection.driver_connection
            self.pg.execute("SET LOCAL synchronous_commit = off")
            self.pg.execute("SET LOCAL maintenance_work_mem = '512MB'")
            try:
                self.pg.execute("SAVEPOINT replica")
                self.pg.execute("SET LOCAL session_replication_role = replica")  # no FK triggers
                self.fk_off = True
            except Exception:  # not a superuser: the checks run, slower
                self.pg.execute("ROLLBACK TO SAVEPOINT replica")
                self.fk_off = False
        return self

    def __exit__(self, kind, value, tb):
        if kind is None:
            self.drain()
            self.session.commit()
        else:
            if getattr(self, "thread", None) is not None:
                self.queue.put(None)
                self.thread.join()
            self.session.rollback()

    def execute(self, sql: str, params=None):
        if self.postgresql:
            return self.pg.execute(sql, params)
        import sqlalchemy as sa

        return self.conn.execute(sa.text(sql), params or {})

    def background(self) -> None:
        """PostgreSQL: send each COPY from a thread, so that the server stores one batch while
        this process makes the next (the thread waits on the socket, without the GIL). Nothing
        else may use the connection until `drain()`."""
        if self.postgresql:
            self.queue: queue.Queue = queue.Queue(maxsize=4)
            self.failure: BaseException | None = None
            self.thread = threading.Thread(target=self._send, name="copy", daemon=True)
            self.thread.start()

    def _send(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.failure is None:
                try:
                    self._copy(*item)
                except BaseException as exc:  # reported by drain() or the next write()
                    self.failure = exc

    def drain(self) -> None:
        if getattr(self, "thread", None) is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
            if self.failure is not None:
                raise self.failure

    def _copy(self, name: str, columns: str, text: str) -> None:
        with self.pg.cursor() as cursor:
            with cursor.copy(f'COPY "{name}" ({columns}) FROM STDIN') as copy:
                copy.write(text)

    def write(self, spec: TableSpec, rows: list[tuple]) -> None:
        if not rows:
            return
        name = spec.table.name
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        extra = spec.extra
        if self.postgresql:
            columns = ", ".join(f'"{n}"' for n in spec.names)
            line = spec.copy_line()
            lines = [line(row) for row in rows]
            lines.append("")
            item = (name, columns, "\n".join(lines))
            if getattr(self, "thread", None) is None:
                self._copy(*item)
            elif self.failure is not None:
                raise self.failure
            else:
                self.queue.put(item)
            return
        converters = []
        for kind in spec.kinds:
            if kind == "ts":
                converters.append(lambda v: None if v is None else datetime.fromtimestamp(v, UTC))
            elif kind == "json":
                converters.append(lambda v: json.loads(v) if isinstance(v, RawJSON) else v)
            else:
                converters.append(None)
        pairs = list(zip(spec.names, converters))
        dicts = [{n: (c(v) if c else v) for (n, c), v in zip(pairs, (*row, *extra))} for row in rows]
        self.conn.execute(spec.table.insert(), dicts)


# --- the generator ---------------------------------------------------------------------

class Versioned:
    """A procedure seen through one of its versions: what the law set then (time limit, fields,
    signers) with the procedure's own code, unit and effect. A dossier follows the version in
    force when it was started."""

    def __init__(self, procedure, version):
        self.procedure, self.version = procedure, version

    def __getattr__(self, name):
        try:
            return getattr(self.procedure, name)
        except AttributeError:
            return getattr(self.version, name)


class Reference:
    """What the catalogue load and the demo accounts put in the database."""

    def __init__(self):
        from portal.accounts.models import Enterprise, Role, User
        from portal.catalogue.models import Organisation, Procedure, Unit, Zone
        from portal.extensions import db

        self.org = db.session.scalar(db.select(Organisation).order_by(Organisation.id))
        self.units = {u.id: u for u in db.session.scalars(db.select(Unit))}
        self.desk_unit = next(u for u in self.units.values() if u.is_one_stop_desk)
        self.zones = list(db.session.scalars(db.select(Zone).order_by(Zone.sort_order)))
        self.procedures = [p for p in db.session.scalars(db.select(Procedure).order_by(Procedure.sort_order,
                                                                                      Procedure.id))
                           if p.is_active and any(v.is_published for v in p.versions)]
        self.versions = {p.id: [Versioned(p, v) for v in p.versions if v.is_published] for p in self.procedures}
        self.docs = {v.version.id: list(v.version.documents) for vs in self.versions.values() for v in vs}
        demo = {u.email: u for u in db.session.scalars(db.select(User).where(User.email.like("%@example.com")))}
        self.demo = demo
        self.desk = demo["motcua@example.com"]
        self.specialist = demo["chuyenvien@example.com"]
        self.head = demo["truongphong@example.com"]
        self.leader = demo["lanhdao@example.com"]
        self.investor = demo["nhadautu@example.com"]
        self.demo_enterprise = db.session.scalar(
            db.select(Enterprise).where(Enterprise.enterprise_code == "6101234567"))
        self.specialist_id = self.specialist.id
        # Names and titles under signatures (builders.signer), read now: no query while writing.
        self.officer_info = {u.id: {"name": u.full_name, "title": u.position or "", "phone": u.phone,
                                    "email": u.email, "unit": u.unit.name_vi if u.unit else ""}
                             for u in demo.values() if u.role is not Role.INVESTOR}
        self.unit_codes = {u.id: u.code for u in self.units.values()}
        self.password_hash = self.desk.password_hash  # argon2 of the demo password, hashed once
        self.totp_secret = self.desk.totp_secret        # the demo key, encrypted once
        self.role = Role

    def version_on(self, procedure, day):
        """The procedure as its version in force on `day` says (the earliest one before it
        took effect, the latest after the last ended)."""
        versions = self.versions[procedure.id]
        return next((v for v in versions if v.version.covers(day)),
                    versions[0] if day < versions[0].version.effective_from else versions[-1])


class Generator:
    def __init__(self, n: int, seed: int, writer: Writer, ref: Reference):
        from portal.extensions import db

        self.n, self.writer, self.ref = n, writer, ref
        self.rng = random.Random(seed)
        self.now = int(time.time())
        self.start = self.now - 3 * 365 * DAY
        self.clock = Clock(local_day(self.start) - 800, local_day(self.now) + 3 * 366)
        self.tables = {t.name: t for t in db.metadata.sorted_tables}
        self.next_id = {}
        for name in ("users", "enterprises", "enterprise_members", "projects", "dossiers", "dossier_events",
                     "dossier_files", "slips", "supplement_requests", "supplement_items", "dossier_notes",
                     "service_ratings", "certificate_entries"):
            self.next_id[name] = (db.session.scalar(db.select(db.func.max(self.tables[name].c.id))) or 0) + 1
        self.agency = ref.org.agency_code

    def new_id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def spec(self, table: str, *columns: str) -> TableSpec:
        return self.writer.spec(self.tables[table], columns)

    def person(self) -> str:
        rng = self.rng
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    # -- officers ----------------------------------------------------------------------
    def officers(self) -> None:
        ref, rng = self.ref, self.rng
        role = ref.role
        weights = {p.id: PROCEDURE_WEIGHTS.get(p.code, 3) for p in ref.procedures}
        total = sum(weights.values())
        unit_share: dict[int, float] = {}
        for p in ref.procedures:
            unit_share[p.unit_id] = unit_share.get(p.unit_id, 0) + weights[p.id] / total
        rows = []
        spec = self.spec("users", "id", "email", "password_hash", "full_name", "phone", "position", "role",
                         "unit_id", "language", "is_active", "email_confirmed_at", "created_at", "session_version",
                         "totp_secret", "totp_enabled_at")
        created = self.start - 400 * DAY

        def add(email, name, r, unit_id, position):
            uid = self.new_id("users")
            phone = f"0260 3 {rng.randint(800000, 899999)}"
            rows.append((uid, email, ref.password_hash, name, phone, position,
                         r.value, unit_id, "vi", True, created, created, 1, ref.totp_secret, created))
            self.officer_info[uid] = {"name": name, "title": position, "phone": phone, "email": email,
                                      "unit": ref.units[unit_id].name_vi if unit_id else ""}
            return uid

        self.officer_info = dict(ref.officer_info)
        self.specialists: dict[int, list[int]] = {}
        self.heads: dict[int, int] = {}
        self.names: dict[int, str] = {ref.specialist.id: ref.specialist.full_name}
        for unit_id, share in sorted(unit_share.items()):
            code = ref.units[unit_id].code.lower()
            wanted = max(2, round(self.n * share / DOSSIERS_PER_SPECIALIST))
            ids = [ref.specialist.id] if unit_id == ref.specialist.unit_id else []
            while len(ids) < wanted:
                name = self.person()
                uid = add(f"cv{len(ids) + 1:02d}.{code}@example.com", name, role.SPECIALIST, unit_id, "Chuyên viên")
                self.names[uid] = name
                ids.append(uid)
            self.specialists[unit_id] = ids
            if unit_id == ref.head.unit_id:
                self.heads[unit_id] = ref.head.id
            else:
                self.heads[unit_id] = add(f"truongphong.{code}@example.com", self.person(), role.DEPARTMENT_HEAD,
                                          unit_id, f"Trưởng {ref.units[unit_id].name_vi}")
        self.desks = [ref.desk.id] + [add(f"motcua{i}@example.com", self.person(), role.DESK_OFFICER,
                                          ref.desk_unit.id, "Chuyên viên Văn phòng")
                                      for i in range(2, 2 + max(1, self.n // 200_000))]
        self.leaders = [ref.leader.id, add("truongban@example.com", self.person(), role.BOARD_LEADER, None,
                                           "Trưởng ban")]
        self.writer.write(spec, rows)

    # -- enterprises, investors, projects ----------------------------------------------
    def enterprises(self) -> None:
        ref, rng = self.ref, self.rng
        count = max(50, self.n // 150)
        ent_spec = self.spec("enterprises", "id", "name", "enterprise_code", "claimed_at", "address",
                             "legal_representative", "country", "created_at")
        user_spec = self.spec("users", "id", "email", "password_hash", "full_name", "phone", "position", "role",
                              "unit_id", "language", "is_active", "email_confirmed_at", "created_at",
                              "session_version", "totp_secret", "totp_enabled_at")
        member_spec = self.spec("enterprise_members", "id", "enterprise_id", "user_id", "is_representative",
                                "status", "created_at")
        project_spec = self.spec("projects", "id", "enterprise_id", "name_vi", "name_en", "objectives", "zone_id",
                                 "location", "land_area_m2", "total_capital_vnd", "total_capital_usd",
                                 "capital_sources", "workforce", "schedule", "sector", "created_by_id",
                                 "created_at", "updated_at")
        zones = ref.zones
        zone_weights = [ZONE_WEIGHTS.get(z.code, 10) for z in zones]
        ents, users, members, projects = [], [], [], []
        # Each enterprise: (id, joined, members, projects, name, code, address, representative, country).
        self.ents = []
        used_codes = {"6101234567"}
        demo_rank = 3
        # Busy enterprises and quiet ones (Zipf-like), the demo enterprise among the busiest; a
        # busy one runs more projects, so that no project has more than about PER_PROJECT dossiers
        # (a factory files tens of dossiers in its life, not thousands).
        self.ent_weights = [1 / (rank + 5) ** 0.9 for rank in range(count)]
        total_weight = sum(self.ent_weights)
        for i in range(count):
            if i == demo_rank:  # the demo investor's enterprise, among the busiest
                e = ref.demo_enterprise
                joined = self.start - 200 * DAY
                eid, rep_id = e.id, ref.investor.id
                member_ids = [rep_id]
                info = {"name": e.name, "code": e.enterprise_code, "address": e.address,
                        "representative": e.legal_representative, "phone": ref.investor.phone,
                        "emails": {rep_id: ref.investor.email}, "names": {rep_id: ref.investor.full_name}}
            else:
                eid = self.new_id("enterprises")
                joined = (self.start - rng.randint(1, 1500) * DAY if rng.random() < 0.55
                          else rng.randint(self.start, self.now - 20 * DAY))
                foreign = rng.random() < 0.1
                if foreign:
                    country, brand = rng.choice(FOREIGN)
                    name = rng.choice(FOREIGN_VI).format(brand)
                    if rng.random() < 0.5:
                        name += f" {rng.randint(1, 99)}"
                else:
                    country = "VN"
                    name = f"{rng.choice(COMPANY_KINDS)} {rng.choice(ACTIVITIES)} {rng.choice(BRANDS)}"
                    if rng.random() < 0.6:
                        name += f" {rng.randint(1, 999)}"
                code = None
                if not foreign or rng.random() < 0.4:
                    while code is None or code in used_codes:
                        code = f"61{rng.randint(0, 99_999_999):08d}"
                    used_codes.add(code)
                zone = rng.choices(zones, zone_weights)[0]
                street = rng.choice(STREETS).format(rng.randint(1, 40))
                address = f"{street}, {ZONE_ADDRESS.get(zone.code, zone.name_vi)}"
                representative = self.person()
                ents.append((eid, name, code, joined if code else None, address, representative, country, joined))
                member_ids = []
                info = {"name": name, "code": code, "address": address, "representative": representative,
                        "emails": {}, "names": {}}
                for m in range(1 if rng.random() < 0.75 else rng.randint(2, 3)):
                    uid = self.new_id("users")
                    full = representative if m == 0 else self.person()
                    email = f"{'daidien' if m == 0 else 'nhanvien'}{eid}.{m}@dn{eid}.example.com"
                    phone = f"09{rng.randint(10_000_000, 99_999_999)}"
                    users.append((uid, email, ref.password_hash, full, phone, "", "investor", None,
                                  "en" if country != "VN" and rng.random() < 0.6 else "vi", True, joined, joined,
                                  1, None, None))
                    members.append((self.new_id("enterprise_members"), eid, uid, m == 0, "active", joined))
                    member_ids.append(uid)
                    info["emails"][uid], info["names"][uid] = email, full
                    info.setdefault("phone", phone)
            project_ids = []
            expected = self.n * self.ent_weights[i] / total_weight
            for _ in range(max(rng.choice((1, 1, 2, 2, 2, 2, 3, 3, 4)), math.ceil(expected / PER_PROJECT))):
                pid = self.new_id("projects")
                zone = rng.choices(zones, zone_weights)[0]
                kind = rng.choice(PROJECT_KINDS)
                capital = rng.randint(5, 3000) * 1_000_000_000
                projects.append((pid, eid, f"{kind} {rng.choice(BRANDS)}", "", f"{kind}; công suất thiết kế "
                                 f"{rng.randint(5, 500) * 100} tấn/năm", zone.id, f"Lô {rng.choice('ABCDEF')}"
                                 f"{rng.randint(1, 40)}", Decimal(rng.randint(5_000, 500_000)) / 10, capital,
                                 None, "Vốn tự có và vốn vay", rng.randint(20, 800), "Quý I/2027 đi vào hoạt động",
                                 rng.choice(SECTORS), member_ids[0], joined, joined))
                project_ids.append(pid)
            info["phone"] = info.get("phone", "")
            self.ents.append((eid, max(joined, self.start), member_ids, project_ids, info))
        self.writer.write(ent_spec, ents)
        self.writer.write(user_spec, users)
        self.writer.write(member_spec, members)
        self.writer.write(project_spec, projects)

    # -- the dossiers' histories ----------------------------------------------------------
    def simulate_all(self) -> None:
        rng, clock, now = self.rng, self.clock, self.now
        procs = self.ref.procedures
        proc_weights = [PROCEDURE_WEIGHTS.get(p.code, 3) for p in procs]
        proc_picks = rng.choices(procs, proc_weights, k=self.n)
        # The caseload grows by half over the three years (density 1 + GROWTH x, x from 0 to 1);
        # each dossier goes to an enterprise already there, the busy ones more often.
        order = sorted(range(len(self.ents)), key=lambda i: self.ents[i][1])
        arrived = [self.ents[i][1] for i in order]
        cumulative = list(accumulate(self.ent_weights[i] for i in order))
        span, a, b = now - self.start, 1.0, GROWTH
        plans = []
        for proc in proc_picks:
            x = (-a + math.sqrt(a * a + 2 * b * rng.random() * (a + b / 2))) / b
            t = self.start + int(x * span)
            k = max(1, bisect_right(arrived, t))
            ent_index = order[min(bisect_right(cumulative, rng.random() * cumulative[k - 1]), k - 1)]
            d = local_day(max(t, self.ents[ent_index][1]))
            if not clock.is_working(d) and rng.random() < 0.85:  # few file online at weekends
                d = clock.next_wd(d)
            tod = (rng.randint(7 * 3600, 17 * 3600 + 1800) if rng.random() < 0.85
                   else rng.randint(17 * 3600, 23 * 3600))
            t_sub = day_start(d) + tod
            if t_sub > now:
                t_sub = now - rng.randint(60, 6 * 3600)
            created = t_sub - rng.randint(600, 3 * DAY)
            draft = rng.random() < P_DRAFT
            if draft and rng.random() < 0.8:
                created = now - rng.randint(600, 60 * DAY)
            plans.append((created, t_sub, draft, ent_index, proc))
        plans.sort(key=lambda p: p[0])
        self.dossiers = []
        self.code_keys, self.book_keys = [], []
        self.slip_keys: dict[str, list] = {}
        self.certificates = []
        for created, t_sub, draft, ent_index, proc in plans:
            d = self.simulate(created, t_sub, draft, self.ents[ent_index], proc)
            self.fix_grade(d)
            self.dossiers.append(d)

    def simulate(self, created: int, t_sub: int, draft: bool, ent, proc) -> dict:
        rng, clock, now = self.rng, self.clock, self.now
        proc = self.ref.version_on(proc, day_date(local_day(created)))
        r, uniform = rng.random, rng.uniform
        eid, _lo, members, projects, info = ent
        creator = members[0] if len(members) == 1 or r() < 0.7 else rng.choice(members)
        did = self.new_id("dossiers")
        d = {"id": did, "enterprise_id": eid, "project_id": rng.choice(projects), "procedure": proc,
             "procedure_id": proc.id, "version_id": proc.version.id, "unit_id": proc.unit_id, "created_by_id": creator, "created_at": created,
             "updated_at": created, "state": "draft", "info": info,
             "return_method": rng.choices(("at_desk", "post", "online"), (50, 20, 30))[0],
             "field_values": self.field_values(proc), "events": [], "supplements": [], "slips": [], "notes": []}
        x = r()
        d["channel"] = next(name for share, name in CHANNELS if x < share)
        events = d["events"]

        def emit(action, to, t, actor, note=""):
            events.append((action, d["state"], to, t, actor, note))
            d["state"], d["updated_at"] = to, t

        def slip(kind, t, **extra):
            item = [kind, t, 0, extra]
            d["slips"].append(item)
            self.slip_keys.setdefault(kind, []).append((t, did, item))

        def withdraws(p, t_from, t_to) -> bool:
            """Withdrawn between t_from and t_to, with probability p, after the last event (an
            answered supplement, an apology: never inside a finished wait). During a wait for a
            supplement the clock stays stopped (paused_at kept, as withdraw_dossier leaves it)."""
            if r() >= p:
                return False
            t_from = max(t_from, events[-1][3])
            t_w = t_from + int(max(t_to - t_from, 0) * uniform(0.2, 0.8))
            if t_w > now:
                return False
            stage = d["state"]
            emit("withdraw", "withdrawn", t_w, creator, rng.choice(WITHDRAW_NOTES))
            d["finished_at"] = t_w
            slip("stop", t_w, stage=stage, withdrawal=True, reason=events[-1][5])
            return True

        def investor_time(t_from, days_lo, days_hi):
            day = local_day(t_from) + rng.randint(days_lo, days_hi)
            return max(t_from + 3600, day_start(day) + rng.randint(7 * 3600, 22 * 3600))

        def supplement(t, origin, officer):
            items = rng.sample(SUPPLEMENT_ITEMS, rng.randint(1, 3))
            docs = self.ref.docs[proc.version.id]
            request = {"id": self.new_id("supplement_requests"), "origin": origin, "at": t, "by": officer,
                       "answered": None, "note": rng.choice(SUPPLEMENT_NOTES),
                       "items": [(docs[i % len(docs)].id if docs else None, desc, reason)
                                 for i, (desc, reason) in enumerate(items)]}
            d["supplements"].append(request)
            emit("request_supplement", "supplement_requested", t, officer, request["note"])
            d["supplement_origin"] = origin
            slip("supplement", t, request=request)
            return request

        if draft or t_sub > now:
            return d
        # Submission (status 1).
        self.code_keys.append((t_sub, did))
        d["lookup_key"] = "".join(rng.choices("23456789ABCDEFGHJKMNPQRSTUVWXYZ", k=8))
        d["submitted_at"] = t_sub
        emit("submit", "submitted", t_sub, creator)
        desk = rng.choice(self.desks)
        t = clock.advance(clock.next_office(t_sub + 60), uniform(0.02, 0.6))
        # The desk: a supplement before reception, or a refusal, or reception.
        if r() < P_DESK_SUPPLEMENT:
            if t > now:
                return d
            request = supplement(t, "submitted", desk)
            t_ans = investor_time(t, 1, 10)
            if t_ans > now:
                return d
            request["answered"] = t_ans
            emit("resubmit", "submitted", t_ans, creator)
            d["supplement_origin"] = None
            t = clock.advance(clock.next_office(t_ans + 60), uniform(0.02, 0.6))
        elif r() < P_REFUSE:
            if t > now:
                return d
            emit("refuse", "refused", t, desk, rng.choice(REFUSE_NOTES))
            d["finished_at"], d["decision_note"] = t, events[-1][5]
            self.book(d, t)
            slip("refusal", t, signer=desk, at_reception=True, reasons=events[-1][5])
            return d
        if withdraws(P_WITHDRAW[0], t_sub, t) or t > now:
            return d
        # Reception (status 2): due date, the book, the receipt.
        emit("receive", "received", t, desk)
        d["received_at"], d["received_by_id"] = t, desk
        limit, kind = proc.time_limit_days, proc.time_limit_kind.value
        if limit:
            d["due_at"] = d["legal_due_at"] = clock.due(t, limit, kind)
        self.book(d, t)
        slip("receipt", t)
        received = t
        # Assignment by the head of the handling unit.
        unit = proc.unit_id
        head = self.heads[unit]
        t_asg = clock.advance(t, uniform(0.05, 1.2))
        if withdraws(P_WITHDRAW[1], t, t_asg) or t_asg > now:
            return d
        specialist = rng.choice(self.specialists[unit])
        emit("assign", "in_progress", t_asg, head, self.names.get(specialist, ""))
        d["assignee_id"] = specialist
        # Processing: most in time, some late, a few stuck for months.
        due = d.get("due_at")
        left = clock.office_days(t_asg, due) if due else rng.uniform(3, 12)
        late, stuck = r() < P_LATE, r() < P_STUCK
        if stuck:
            work = uniform(20, 250)
        elif late:
            work = max(0.5, left * uniform(0.9, 1.5) + uniform(0, 3))
        else:
            work = max(0.2, (left - 2.0) * uniform(0.15, 1.0))
        t_prop = clock.advance(t_asg, work)
        if r() < P_PROC_SUPPLEMENT:
            t_req = max(t_asg + 600, clock.advance(t_asg, work * uniform(0.1, 0.6)))
            if t_req > now:
                return d
            request = supplement(t_req, "in_progress", specialist)
            d["paused_at"] = t_req
            t_ans = investor_time(t_req, 1, 15)
            if withdraws(P_WITHDRAW_WAIT, t_req, t_ans) or t_ans > now:
                return d
            request["answered"] = t_ans
            emit("resubmit", "in_progress", t_ans, creator)
            d["supplement_origin"] = d["paused_at"] = None
            if limit:
                if proc.supplement_clock.value == "restart":
                    legal = clock.due(t_ans, limit, kind)
                else:
                    legal = clock.due(received, limit + clock.paused_days(t_req, t_ans, kind), kind)
                d["due_at"] = d["legal_due_at"] = legal
            t_prop = clock.next_office(t_prop + (t_ans - t_req))
        elif late and due and r() < P_APOLOGY:
            t_apo = clock.next_office(due - int(uniform(0.3, 1.5) * DAY))
            if t_asg + 600 < t_apo < min(due, t_prop) and t_apo <= now:
                new_day = clock.next_wd(local_day(due), rng.randint(2, 5))
                new_due = day_start(new_day) + rng.randint(8, 16) * 3600
                original = due
                emit("apologize", "in_progress", t_apo, rng.choice((head, desk)), rng.choice(APOLOGY_NOTES))
                d["apology_issued_at"], d["due_at"] = t_apo, new_due
                slip("apology", t_apo, original_due=original, reason=events[-1][5])
        if r() < P_NOTE:
            t_note = t_asg + (t_prop - t_asg) // 2
            if t_note <= now:
                d["notes"].append((rng.choice((specialist, head)), rng.choice(NOTE_TEXTS), t_note))
        if withdraws(P_WITHDRAW[2], t_asg, t_prop) or t_prop > now:
            return d
        # The proposal, perhaps sent back once, reviewed by the head, decided by the signer.
        chain = proc.approval_chain.value
        reviewer = "department_head" if chain == "head_then_leader" else None
        signer_role = "department_head" if chain == "head" else "board_leader"
        stop = r() < P_STOP

        def propose(t):
            if stop:
                emit("propose_stop", "pending_approval", t, specialist, rng.choice(STOP_NOTES))
            else:
                emit("propose_result", "pending_approval", t, specialist, rng.choice(PROPOSE_NOTES))
            d["proposal"] = "stop" if stop else "result"
            d["proposal_note"] = events[-1][5]
            d["awaiting_signer"] = reviewer or signer_role

        propose(t_prop)
        t = t_prop
        if not stop and r() < P_SEND_BACK:
            t = clock.advance(t, uniform(0.1, 1.0))
            if t > now:
                return d
            emit("send_back", "in_progress", t, head if d["awaiting_signer"] == "department_head"
                 else rng.choice(self.leaders), rng.choice(SEND_BACK_NOTES))
            d["proposal"], d["proposal_note"], d["awaiting_signer"] = None, "", None
            t = clock.advance(t, uniform(0.3, 2.0))
            if t > now:
                return d
            propose(t)
        if reviewer:
            t = clock.advance(t, uniform(0.05, 1.2))
            if t > now:
                return d
            emit("forward", "pending_approval", t, head, rng.choice(FORWARD_NOTES))
            d["awaiting_signer"] = "board_leader"
        t_dec = clock.advance(t, uniform(0.05, 1.5))
        if withdraws(P_WITHDRAW[3], t, t_dec) or t_dec > now:
            return d
        signer = rng.choice(self.leaders) if signer_role == "board_leader" else head
        d["decided_by_id"], d["finished_at"], d["awaiting_signer"] = signer, t_dec, None
        if stop:
            emit("approve", "stopped", t_dec, signer, d["proposal_note"])
            d["outcome"], d["decision_note"] = "stopped", d["proposal_note"]
            slip("stop", t_dec, stage="pending_approval", withdrawal=False, reason=d["proposal_note"])
            return d
        if r() < P_DECLINE:
            emit("decline", "resolved", t_dec, signer, rng.choice(DECLINE_NOTES))
            d["outcome"], d["decision_note"] = "not_approved", events[-1][5]
            slip("refusal", t_dec, signer=signer, at_reception=False, reasons=events[-1][5])
        else:
            emit("approve", "resolved", t_dec, signer, rng.choice(DECISION_NOTES))
            d["outcome"], d["decision_note"] = "approved", events[-1][5]
            effect = proc.certificate_effect.value
            if effect != "none":
                self.certificates.append((d["project_id"], t_dec, did, effect, signer))
        # Return of the result (status 10).
        t_ret = clock.advance(t_dec, uniform(0.05, 3.0))
        if t_ret > now:
            return d
        handover = HANDOVER[d["return_method"]]
        emit("return_result", "returned", t_ret, desk, handover)
        d["returned_at"], d["handover"] = t_ret, handover
        if r() < P_RATING and t_ret + DAY <= now:
            score = rng.choices((5, 4, 3, 2, 1), (60, 25, 10, 3, 2))[0]
            d["rating"] = (score, rng.choice(RATING_COMMENTS), t_ret + rng.randint(600, DAY))
        return d

    def fix_grade(self, d: dict) -> None:
        """operations._fix_grade on the simulated values: a dossier received and ended
        (resolved, then perhaps returned; stopped; withdrawn) gets timeliness.of_dossier's
        grade at its end and timeliness.processing_days; the others keep NULL."""
        received, finished = d.get("received_at"), d.get("finished_at")
        waits = [s for s in d["supplements"] if s["origin"] != "submitted"]  # processing_supplements
        proc = d["procedure"]
        if received is not None and waits and proc.time_limit_days:  # timeliness.late_since, kept as late_at
            if len(waits) > 1:
                d["late_at"] = waits[1]["at"]
            elif waits[0]["at"] > self.clock.due(received, proc.time_limit_days, proc.time_limit_kind.value):
                d["late_at"] = waits[0]["at"]
        if received is None or finished is None or d["state"] not in GRADED_ENDS:
            return
        if finished < received:  # the GiST index on (received_at, finished_at] would refuse it
            raise AssertionError(f"dossier {d['id']}: finished_at {finished} before received_at {received}")
        clock = self.clock
        paused = d.get("paused_at")
        end = paused if paused is not None else finished  # withdrawn during a wait: judged when it began
        days = clock.working_days_between(clock.office_day(received), clock.office_day(end))
        days -= sum(clock.paused_days(s["at"], s["answered"], "working_days")
                    for s in waits if s["answered"] is not None)
        d["processing_days"] = max(days, 0)
        legal = d.get("legal_due_at")
        if legal is None:  # no time limit: no grade (of_dossier gives None)
            return
        if d.get("late_at") is not None:
            d["grade"] = "late"  # timeliness.late_since: a second request, or one after the due date
        elif local_day(end) < local_day(legal):
            d["grade"] = "early"
        else:
            d["grade"] = "on_time" if end <= legal else "late"

    def book(self, d: dict, t: int) -> None:
        d["book_entered_at"] = t
        self.book_keys.append((t, d["id"], d))

    def field_values(self, proc) -> dict:
        rng = self.rng
        values = {}
        for spec in proc.form_fields or ():
            kind = spec.get("type", "text")
            if kind == "number":
                if "area" in spec["key"]:
                    values[spec["key"]] = f"{rng.randint(1000, 500000)}.{rng.randint(0, 9)}"
                else:
                    values[spec["key"]] = str(rng.randint(5, 3000) * 1_000_000_000)
            elif kind == "date":
                values[spec["key"]] = (date.today() + timedelta(days=rng.randint(30, 700))).isoformat()
            elif kind == "textarea":
                values[spec["key"]] = f"Quý {rng.randint(1, 4)}/{rng.randint(2026, 2029)}: hoàn thành xây dựng và " \
                                      "đưa vào hoạt động"
            else:
                values[spec["key"]] = "Theo hồ sơ đính kèm"
        return values

    # -- numbers given in time order ----------------------------------------------------
    def number(self) -> dict[tuple[str, str], int]:
        """Codes (daily), book serials and slip numbers (yearly), as the counters would give them."""
        counters: dict[tuple[str, str], int] = {}
        by_id = {d["id"]: d for d in self.dossiers}
        self.code_keys.sort()
        for t, did in self.code_keys:
            day = day_date(local_day(t)).strftime("%y%m%d")
            n = counters[("dossier", day)] = counters.get(("dossier", day), 0) + 1
            by_id[did]["code"] = f"{self.agency}-{day}-{n:04d}"
        self.book_keys.sort(key=lambda k: (k[0], k[1]))
        for t, _did, d in self.book_keys:
            year = str(day_date(local_day(t)).year)
            n = counters[("book", year)] = counters.get(("book", year), 0) + 1
            d["book_year"], d["book_serial"] = int(year), n
        for kind, keys in self.slip_keys.items():
            keys.sort(key=lambda k: (k[0], k[1]))
            for t, _did, item in keys:
                year = str(day_date(local_day(t)).year)
                n = counters[(f"slip-{kind}", year)] = counters.get((f"slip-{kind}", year), 0) + 1
                item[2] = n
        return counters

    # -- slips: the portal's own builders give the shape, each dossier its values ----------
    def slip_templates(self) -> None:
        from portal.accounts.models import Enterprise, User
        from portal.documents import builders
        from portal.documents.operations import NUMBER_SUFFIX
        from portal.dossiers.models import Dossier, ReturnMethod, SupplementItem, SupplementRequest
        from portal.dossiers.workflow import State
        from portal.extensions import db
        from portal.services.mail import external_url

        self.suffix = {kind.value: suffix for kind, suffix in NUMBER_SUFFIX.items()}
        self.tracking_url = external_url("public.tracking", code="CODE", key="KEY")
        self.templates: dict[tuple[int, str], dict] = {}
        moment = datetime.now(UTC)
        person = User(email="x@example.com", full_name="x", phone="", position="x", role=self.ref.role.DESK_OFFICER)
        for proc in (v for vs in self.ref.versions.values() for v in vs):
            fake = Dossier(id=0, code="CODE", lookup_key="KEY", procedure=proc.procedure, version=proc.version,
                           unit=self.ref.units[proc.unit_id],
                           enterprise=Enterprise(name="x", address="x", legal_representative="x"),
                           created_by=person, received_by=person, decided_by=person, received_at=moment,
                           due_at=moment, legal_due_at=moment, book_year=2000, book_serial=1,
                           return_method=ReturnMethod.AT_DESK, field_values={}, files=[], decision_note="x")
            request = SupplementRequest(origin_state=State.IN_PROGRESS, requested_by=person, note="",
                                        items=[SupplementItem(position=1, description="x", reason="x")])
            calls = {"receipt": lambda: builders.receipt(fake, "x", 1),
                     "supplement": lambda: builders.supplement(fake, "x", 1, request=request),
                     "refusal": lambda: builders.refusal(fake, "x", 1, signed_by=person, at_reception=True),
                     "stop": lambda: builders.stop(fake, "x", 1, stage=State.IN_PROGRESS, withdrawal=True,
                                                   reason="x"),
                     "apology": lambda: builders.apology(fake, "x", 1, original_due=moment, reason="x")}
            with db.session.no_autoflush:
                for kind, call in calls.items():
                    try:
                        self.templates[(proc.version.id, kind)] = call()
                    except Exception as exc:  # a builder changed: the keys set below still make a usable slip
                        print(f"warning: builders.{kind} failed on a sample ({exc!r}); slips get the known keys only")
                        self.templates[(proc.version.id, kind)] = {}
            for obj in (fake, request, person):
                if obj in db.session:
                    db.session.expunge(obj)

    def signer(self, user_id: int) -> dict:
        return self.officer_info[user_id]

    _moments: dict[int, tuple] = {}

    def moment(self, t: int) -> dict:
        local = t + OFF
        day, s = divmod(local, DAY)
        known = self._moments.get(day)
        if known is None:
            dd = day_date(day)
            known = self._moments[day] = (dd.strftime("%d/%m/%Y"), f"{dd.day:02d}", f"{dd.month:02d}", str(dd.year))
        return {"hour": f"{s // 3600:02d}", "minute": f"{s % 3600 // 60:02d}", "date": known[0], "day": known[1],
                "month": known[2], "year": known[3]}

    def slip_data(self, d: dict, kind: str, t: int, serial: int, extra: dict, documents: list) -> RawJSON:
        proc, info = d["procedure"], d["info"]
        creator = d["created_by_id"]
        data = dict(self.templates[(proc.version.id, kind)])
        number = f"{serial:05d}/{self.suffix[kind]}"
        data.update({
            "code": d["code"], "lookup_key": d["lookup_key"],
            "tracking_url": self.tracking_url.replace("CODE", d["code"]).replace("KEY", d["lookup_key"]),
            "number": number, "issued": self.moment(t),
            "applicant": {"name": info["name"], "enterprise_code": info["code"] or "",
                          "representative": info["representative"], "address": info["address"],
                          "phone": info.get("phone", ""), "email": info["emails"].get(creator, ""),
                          "submitter": info["names"].get(creator, "")},
            "procedure": proc.name_vi, "procedure_code": proc.national_code,
            "handling_unit": self.ref.units[proc.unit_id].name_vi,
            "details": [{"label": s.get("label_vi") or s["key"],
                         "value": (f"{int(float(d['field_values'][s['key']])):,}".replace(",", ".")
                                   if s.get("type") == "number" else d["field_values"][s["key"]])}
                        for s in proc.form_fields or () if d["field_values"].get(s["key"])],
            "received": self.moment(d["received_at"]) if d.get("received_at") else None,
        })
        if kind == "receipt":
            data.update({"documents": documents, "sets": proc.dossier_sets, "time_limit_days": proc.time_limit_days,
                         "time_limit_kind": proc.time_limit_kind.value, "time_limit_note": proc.time_limit_note_vi,
                         "due": self.moment(d["legal_due_at"]) if d.get("legal_due_at") else None,
                         "return_method": d["return_method"],
                         "book": {"number": f"01/{d['book_year']}", "serial": d["book_serial"]},
                         "officer": self.signer(d["received_by_id"])["name"]})
        elif kind == "supplement":
            request = extra["request"]
            data.update({"items": [{"description": desc, "reason": reason, "document": self.doc_names.get(doc, "")}
                                   for doc, desc, reason in request["items"]],
                         "note": request["note"], "officer": self.signer(request["by"]),
                         "during_processing": request["origin"] != "submitted"})
        elif kind == "refusal":
            data.update({"reasons": [line for line in extra["reasons"].splitlines() if line.strip()],
                         "at_reception": extra["at_reception"], "signer": self.signer(extra["signer"])})
        elif kind == "stop":
            withdrawal = extra["withdrawal"]
            org = self.ref.org
            data.update({"stage": self.stages.get(extra["stage"], extra["stage"]), "withdrawal": withdrawal,
                         "reason": extra["reason"],
                         "decision": ("Dừng giải quyết hồ sơ theo đề nghị rút hồ sơ của tổ chức, cá nhân"
                                      if withdrawal else "Dừng giải quyết hồ sơ"),
                         "signer": ({"name": org.head_name, "title": org.head_title_vi} if withdrawal
                                    else self.signer(d["decided_by_id"]))})
        elif kind == "apology":
            org = self.ref.org
            data.update({"original_due": self.moment(extra["original_due"]), "new_due": self.moment(d["due_at"]),
                         "reason": extra["reason"], "signer": {"name": org.head_name, "title": org.head_title_vi}})
        return RawJSON(json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    # -- writing ----------------------------------------------------------------------
    def write_dossiers(self, chunk: int = 20_000) -> None:
        from portal.documents import builders
        from portal.dossiers.workflow import State

        self.stages = {s.value: text for s, text in getattr(builders, "_STAGES", {}).items()}
        for state in State:
            self.stages.setdefault(state.value, state.value)
        self.doc_names = {doc.id: doc.name_vi for docs in self.ref.docs.values() for doc in docs}
        rng = self.rng
        dossier_spec = self.spec(
            "dossiers", "id", "code", "lookup_key", "enterprise_id", "project_id", "procedure_id", "version_id", "unit_id",
            "state", "return_method", "field_values", "created_by_id", "created_at", "updated_at", "submitted_at",
            "received_at", "received_by_id", "due_at", "legal_due_at", "book_year", "book_serial", "book_entered_at",
            "finished_at", "assignee_id", "supplement_origin", "paused_at", "proposal", "proposal_note",
            "awaiting_signer", "outcome", "decision_note", "decided_by_id", "apology_issued_at", "returned_at",
            "handover", "channel", "grade", "processing_days", "late_at")
        columns = dossier_spec.names[:len(dossier_spec.names) - len(dossier_spec.extra)]
        defaults = {"proposal_note": "", "decision_note": "", "handover": ""}
        column_defaults = [(c, defaults.get(c)) for c in columns]
        event_spec = self.spec("dossier_events", "id", "dossier_id", "actor_id", "action", "from_state", "to_state",
                               "note", "created_at")
        file_spec = self.spec("dossier_files", "id", "dossier_id", "required_document_id", "original_name",
                              "storage_key", "content_type", "size", "sha256", "uploaded_by_id", "uploaded_at", "kind",
                              "supplement_item_id")
        request_spec = self.spec("supplement_requests", "id", "dossier_id", "requested_by_id", "origin_state", "note",
                                 "created_at", "answered_at")
        item_spec = self.spec("supplement_items", "id", "request_id", "position", "required_document_id",
                              "description", "reason")
        slip_spec = self.spec("slips", "id", "dossier_id", "kind", "number", "data", "issued_at")
        note_spec = self.spec("dossier_notes", "id", "dossier_id", "author_id", "text", "created_at")
        rating_spec = self.spec("service_ratings", "id", "dossier_id", "user_id", "score", "comment", "created_at")
        file_types = [(ext, ctype) for ext, ctype, _w in FILE_TYPES]
        file_weights = [w for _e, _c, w in FILE_TYPES]
        started = time.perf_counter()
        total = len(self.dossiers)
        for begin in range(0, total, chunk):
            rows = {name: [] for name in ("d", "e", "f", "r", "i", "s", "n", "g")}
            for d in self.dossiers[begin:begin + chunk]:
                did = d["id"]
                rows["d"].append([d.get(c, default) for c, default in column_defaults])
                for action, from_state, to_state, t, actor, note in d["events"]:
                    rows["e"].append((self.new_id("dossier_events"), did, actor, action, from_state, to_state, note, t))
                # Files: the application's, then each answered item's, each proposal's draft, the result.
                docs = self.ref.docs[d["version_id"]]
                creator, created = d["created_by_id"], d["created_at"]
                sent = d.get("submitted_at") or self.now
                documents = {}
                for k in range(rng.randint(1, 3) if docs else 2):
                    doc = docs[k] if k < len(docs) else None
                    ext, ctype = rng.choices(file_types, file_weights)[0]
                    name = f"{(doc.name_vi[:60] if doc else 'Tài liệu khác')}.{ext}"
                    rows["f"].append(self.file_row(did, doc.id if doc else None, name, ext, ctype, creator,
                                                   created + (sent - created) * (k + 1) // 6, "application", None))
                    documents[doc] = documents.get(doc, 0) + 1
                for request in d["supplements"]:
                    rows["r"].append((request["id"], did, request["by"], request["origin"], request["note"],
                                      request["at"], request["answered"]))
                    for position, (doc_id, desc, reason) in enumerate(request["items"], start=1):
                        item_id = self.new_id("supplement_items")
                        rows["i"].append((item_id, request["id"], position, doc_id, desc, reason))
                        if request["answered"]:
                            rows["f"].append(self.file_row(did, doc_id, f"Bổ sung {position}.pdf", "pdf",
                                                           "application/pdf", creator, request["answered"] - 300,
                                                           "supplement", item_id))
                for action, _f, to_state, t, actor, _note in d["events"]:
                    if action == "propose_result":
                        rows["f"].append(self.file_row(did, None, "Dự thảo kết quả.docx", "docx", file_types[1][1],
                                                       actor, t, "draft_result", None))
                    elif action == "approve" and to_state == "resolved":
                        rows["f"].append(self.file_row(did, None, "Kết quả giải quyết (đã ký).pdf", "pdf",
                                                       "application/pdf", actor, t, "result", None))
                receipt_docs = [{"name": doc.name_vi, "originals": doc.originals, "copies": doc.copies, "files": n}
                                for doc, n in documents.items() if doc is not None]
                if None in documents:
                    receipt_docs.append({"name": "Tài liệu khác", "originals": 0, "copies": 0,
                                         "files": documents[None]})
                for kind, t, serial, extra in d["slips"]:
                    rows["s"].append((self.new_id("slips"), did, kind, f"{serial:05d}/{self.suffix[kind]}-"
                                      f"{day_date(local_day(t)).year}",
                                      self.slip_data(d, kind, t, serial, extra, receipt_docs), t))
                for author, text, t in d["notes"]:
                    rows["n"].append((self.new_id("dossier_notes"), did, author, text, t))
                if "rating" in d:
                    score, comment, t = d["rating"]
                    rows["g"].append((self.new_id("service_ratings"), did, creator, score, comment, t))
            write = self.writer.write
            write(dossier_spec, rows["d"])
            write(event_spec, rows["e"])
            write(request_spec, rows["r"])
            write(item_spec, rows["i"])
            write(file_spec, rows["f"])
            write(slip_spec, rows["s"])
            write(note_spec, rows["n"])
            write(rating_spec, rows["g"])
            done = min(begin + chunk, total)
            elapsed = time.perf_counter() - started
            print(f"\r  dossiers written: {done:,}/{total:,} ({elapsed:.0f} s)", end="", flush=True)
        print()

    def file_row(self, did, doc_id, name, ext, ctype, uploader, t, kind, item_id) -> tuple:
        rng = self.rng
        fid = self.new_id("dossier_files")
        return (fid, did, doc_id, name, f"dossiers/{did}/{fid:08x}{rng.getrandbits(64):016x}.{ext}", ctype,
                rng.randint(40_000, 6_000_000), f"{rng.getrandbits(256):064x}", uploader, t, kind, item_id)

    def write_certificates(self) -> None:
        spec = self.spec("certificate_entries", "id", "project_id", "sequence", "kind", "number", "amendment_no",
                         "issued_on", "dossier_id", "recorded_by_id", "recorded_at")
        rows, state = [], {}
        for project, t, did, effect, signer in sorted(self.certificates):
            issued, sequence, amendments, ended = state.get(project, (None, 0, 0, False))
            if ended or (effect == "issue") == (issued is not None):
                continue  # the first issue once; amendments and the like only after it
            amendment_no = None
            if effect == "issue":
                issued = f"{self.rng.randint(1_000_000_000, 9_999_999_999)}"
            elif effect in ("amend", "transfer"):
                amendments += 1
                amendment_no = amendments
            sequence += 1
            rows.append((self.new_id("certificate_entries"), project, sequence, effect, issued, amendment_no,
                         day_date(local_day(t)), did, signer, t))
            state[project] = (issued, sequence, amendments, effect == "terminate")
        self.writer.write(spec, rows)

    def write_counters(self, counters: dict) -> None:
        spec = self.spec("sequences", "name", "period", "last")
        self.writer.write(spec, [(name, period, last) for (name, period), last in sorted(counters.items())])


# --- database preparation and the end ------------------------------------------------------

def migration_0010():
    """migrations/versions/0010_reports.py, for its BACKFILL statement."""
    import importlib.util

    path = ROOT / "migrations" / "versions" / "0010_reports.py"
    spec = importlib.util.spec_from_file_location("migration_0010", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare_database(url: str, reset: bool) -> None:
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if reset and path and path != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)
        return
    if parsed.database == "test":
        raise SystemExit("refusing the database named 'test': the test suite drops it; use portal_bench")
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
        admin.dispose()
        print(f"created database {parsed.database}")
    if reset:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def drop_secondary_indexes(writer: Writer, tables: list[str]) -> list[str]:
    """PostgreSQL: the indexes that back no constraint, dropped for the load and rebuilt
    after it (in the same transaction: a failure leaves them as they were)."""
    rows = writer.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", (tables,)).fetchall()
    for name, _definition in rows:
        writer.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, help="number of dossiers (e.g. 2000, 100000, 1000000)")
    parser.add_argument("--database-url", help=f"default: DATABASE_URL or {DEFAULT_DATABASE_URL}")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true",
                        help="empty the database first (PostgreSQL: drop schema public; SQLite: delete the file)")
    args = parser.parse_args(argv)
    if not args.dossiers or args.dossiers < 1:
        parser.print_help()
        print("\n--dossiers N is required (e.g. --dossiers 100000)")
        return 0  # `make bench` runs every script without arguments
    url = database_url(args.database_url)
    started = time.perf_counter()
    phases: list[tuple[str, float]] = []

    def phase(name: str, since: float) -> float:
        now = time.perf_counter()
        phases.append((name, now - since))
        print(f"{name}: {now - since:.1f} s", flush=True)
        return now

    prepare_database(url, args.reset)
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    secret, keys = bench_secrets()
    instance = Path(os.environ["INSTANCE_PATH"])
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=secret, ENCRYPTION_KEYS=keys,
                     STORAGE_DIR=str(instance / "storage"), OUTBOX_DIR=str(instance / "outbox"),
                     RATELIMIT_ENABLED=False)
    print(f"database: {sa.make_url(url).render_as_string(hide_password=True)}")
    with app.app_context():
        upgrade()
        runner = app.test_cli_runner()
        for command in (["catalogue", "load"], ["demo", "load"]):
            result = runner.invoke(args=command)
            if result.exit_code != 0:
                raise SystemExit(f"flask {' '.join(command)} failed:\n{result.output}{result.exception or ''}")
            print(f"flask {' '.join(command)}: {result.output.strip()}")
        existing = db.session.scalar(sa.select(sa.func.count()).select_from(db.metadata.tables["dossiers"]))
        if existing:
            raise SystemExit(f"the database already holds {existing:,} dossiers: add --reset to start again")
        t = phase("migrate, catalogue, demo accounts", started)
        ref = Reference()
        gc.disable()  # millions of small objects that live until the end: no collection needed
        writer = Writer(db.session)
        with writer:
            gen = Generator(args.dossiers, args.seed, writer, ref)
            rebuild = []
            if writer.postgresql:
                rebuild = drop_secondary_indexes(writer, ["users", "enterprises", "enterprise_members", "projects",
                                                          "dossiers", "dossier_events", "dossier_files", "slips",
                                                          "supplement_requests", "supplement_items",
                                                          "dossier_notes", "service_ratings",
                                                          "certificate_entries"])
            gen.officers()
            gen.enterprises()
            t = phase("officers, enterprises, investors, projects", t)
            gen.simulate_all()
            t = phase(f"simulated {args.dossiers:,} dossiers", t)
            counters = gen.number()
            gen.slip_templates()
            t = phase("codes, book serials, slip numbers", t)
            writer.background()
            gen.write_dossiers()
            gen.write_certificates()
            gen.write_counters(counters)
            writer.drain()
            # Each certificate entry records its project's zone and figures (migration 0010's backfill).
            writer.execute(migration_0010().BACKFILL)
            t = phase("rows written" + (" (COPY)" if writer.postgresql else ""), t)
            for definition in rebuild:
                writer.execute(definition)
            if writer.postgresql:
                t = phase(f"{len(rebuild)} indexes rebuilt", t)
                for table in db.metadata.sorted_tables:  # explicit ids given: sequences continue after them
                    if "id" in table.c and table.c.id.primary_key:
                        writer.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                       f'COALESCE(MAX(id), 0) + 1, false) FROM "{table.name}" '
                                       f"WHERE pg_get_serial_sequence('{table.name}', 'id') IS NOT NULL")
        gc.enable()
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
            t = phase("sequences reset, VACUUM ANALYZE", t)
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            t = phase("ANALYZE", t)
        report(gen, writer)
    print(f"total: {time.perf_counter() - started:.1f} s for {args.dossiers:,} dossiers")
    return 0


def report(gen: Generator, writer: Writer) -> None:
    import sqlalchemy as sa

    from portal.extensions import db

    print("\nrows per table:")
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            count = conn.scalar(sa.select(sa.func.count()).select_from(table))
            print(f"  {table.name:24} {count:>12,}")
        d = db.metadata.tables["dossiers"]
        e = db.metadata.tables["enterprises"]
        print("\ndossiers by state:")
        for state, count in conn.execute(sa.select(d.c.state, sa.func.count()).group_by(d.c.state)
                                         .order_by(sa.func.count().desc())):
            print(f"  {state:24} {count:>12,}")
        now = datetime.fromtimestamp(gen.now, UTC)
        running = d.c.state.in_(("received", "in_progress", "pending_approval"))
        overdue = conn.scalar(sa.select(sa.func.count()).where(running, d.c.due_at < now))
        print(f"  {'overdue (clock running)':24} {overdue:>12,}")
        sample = conn.execute(sa.select(d.c.id, d.c.code)
                              .where(d.c.state == "in_progress", d.c.assignee_id == gen.ref.specialist_id)
                              .order_by(d.c.due_at).limit(1)).first()
        tracked = conn.execute(sa.select(d.c.code, d.c.lookup_key).where(d.c.state == "returned")
                               .order_by(d.c.id.desc()).limit(1)).first()
        open_mine = conn.scalar(sa.select(sa.func.count()).where(
            d.c.assignee_id == gen.ref.specialist_id,
            d.c.state.in_(("in_progress", "pending_approval", "supplement_requested"))))
        sao_mai = conn.scalar(sa.select(e.c.name).where(e.c.name.like("%Sao Mai%")).order_by(e.c.id).limit(1))
        specialists = ", ".join(f"{gen.ref.unit_codes[u]} {len(ids)}" for u, ids in gen.specialists.items())
    print("\nsamples for bench/pages.py (which finds its own):")
    if tracked:
        print(f"  tracking: /tracking?code={tracked.code}&key={tracked.lookup_key}")
    if sample:
        print(f"  the demo specialist's most urgent dossier: /officer/dossiers/{sample.id} ({sample.code})")
    print(f"  the demo specialist's open dossiers: {open_mine:,}; specialists per unit: {specialists}")
    print(f"  an enterprise: {sao_mai}")
    print("  logins: the demo accounts (README), e.g. chuyenvien@example.com / KonTum@Demo2026 + TOTP; "
          "extra officers cvNN.<unit>@example.com, investors daidien<id>.0@dn<id>.example.com, same password")


if __name__ == "__main__":
    sys.exit(main())
