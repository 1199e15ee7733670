"""A small history written by hand, through the portal's own operations at set times, whose
report figures the tests work out by hand (tests/reports/test_service.py and
test_investment.py). The period reported is March 2026 (no public holiday in it).

    D9  QLDT-02  received Fri 27/2 09:00 (carried over), due Fri 6/3 09:00, approved Fri 6/3 08:00: on time, 5 days
    D1  QLDT-02  received Mon 2/3 09:00, due Mon 9/3, approved Thu 5/3 10:00: early, 3 days; rated 5 on 6/3
    D2  QLDT-02  foreign investor (Korea), Sao Mai, brought in person; received Tue 3/3 14:00, due Tue 10/3 14:00,
                 approved Tue 10/3 11:00: on time, 5 days; rated 3 on 11/3
    D3  QLDT-02  received Wed 4/3 09:00, due Wed 11/3; supplement asked Thu 5/3 10:00, answered Mon 9/3 10:00
                 (2 working days: due Fri 13/3 09:00); apology on Thu 12/3 (new date Wed 18/3 10:00);
                 approved Mon 16/3 10:00: late, 8 - 2 = 6 days
    D4  XD-01    foreign investor, received Mon 9/3 09:00 (20 calendar days: due Mon 30/3), withdrawn Wed 11/3 15:00:
                 finished early (withdrawn), 2 days
    D5  QLDT-02  submitted Tue 10/3, refused at the desk Tue 10/3 15:00
    D8  QLDT-02  received Wed 11/3 09:00, stopped Fri 13/3 10:00
    D6  XD-01    received Thu 26/2 09:00 (carried over), due Wed 18/3 09:00, still with the specialist: open, past
    D7  QLDT-02  received Mon 30/3 09:00, due Mon 6/4: open at the end of March, within
    D10 QLDT-02  received Mon 16/3 09:00, due Mon 23/3 09:00; a supplement asked Tue 24/3 10:00, after the due
                 date (late from then, Decision 766), still awaited at the end of March: open, past
Certificates: D9, D1, D2 and D3 first issues (6/3, 5/3, 10/3, 16/3) with capital 10, 20, 30 and 40 billion VND,
land 1,000 / 2,000 / 3,000 / 4,000 m²; a project declared with a certificate of 2025 (50 billion, 5,000 m², in
Đăk Tô) amended on 20/3; one declared in 2025 (Bờ Y, 60 billion) transferred on 23/3 and another (Hòa Bình,
70 billion) terminated on 24/3.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import time_machine
from werkzeug.datastructures import FileStorage

from portal.calendar import LOCAL_TZ
from portal.catalogue.models import CertificateEffect, Unit, Zone
from portal.dossiers import operations as ops
from portal.dossiers.models import Channel
from portal.extensions import db
from portal.projects import operations as project_ops
from tests.factories import EnterpriseFactory, UserFactory
from tests.samples import PDF


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


def _pdf(name: str = "ket-qua.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(PDF), name)


@dataclass
class History:
    people: dict
    dossiers: dict
    units: dict
    zones: dict


def build(make_draft) -> History:
    units = {u.code: u for u in db.session.scalars(db.select(Unit))}
    zones = {z.code: z for z in db.session.scalars(db.select(Zone))}
    vn = UserFactory(full_name="Nguyễn Văn Việt")
    kr = UserFactory(full_name="Kim Min-jun", enterprise=EnterpriseFactory(country="KR", name="Hanbit Vina Co., Ltd"))
    people = {
        "vn": vn, "kr": kr,
        "desk": UserFactory(desk_officer=True),
        "head": UserFactory(department_head=True, unit=units["QLDT"]),
        "specialist": UserFactory(specialist=True, unit=units["QLDT"], full_name="Trần Văn Chuyên Viên"),
        "head_xd": UserFactory(department_head=True, unit=units["XDTNMT"]),
        "specialist_xd": UserFactory(specialist=True, unit=units["XDTNMT"], full_name="Phạm Thị Xây Dựng"),
        "leader": UserFactory(board_leader=True),
        "admin": UserFactory(admin=True),
    }
    d: dict = {}

    def start(name, user, code, when, zone="KCN-HOA-BINH", capital=None, land=None):
        with time_machine.travel(when, tick=False):
            dossier = make_draft(user=user, code=code)
            dossier.project.zone_id = zones[zone].id
            if capital is not None:
                dossier.field_values = {**dossier.field_values, "certified_capital": str(capital),
                                        "land_area": str(land)}
            ops.submit_dossier(dossier, user)
        d[name] = dossier
        return dossier

    def receive(name, when, channel=Channel.ONLINE, head="head", specialist="specialist"):
        with time_machine.travel(when, tick=False):
            ops.receive_dossier(d[name], people["desk"], channel=channel)
            ops.assign(d[name], people[head], people[specialist])

    def approve(name, when, irc: str):
        with time_machine.travel(when, tick=False):
            dossier = d[name]
            ops.propose_result(dossier, people["specialist"], _pdf("du-thao.pdf"))
            ops.forward(dossier, people["head"], "Đủ điều kiện")
            ops.approve(dossier, people["leader"], _pdf(), irc_number=irc, irc_date=when.date())

    start("D9", vn, "QLDT-02", at(26, 16, month=2), capital=10_000_000_000, land=1000)
    receive("D9", at(27, 9, month=2))
    start("D6", vn, "XD-01", at(25, 16, month=2))
    receive("D6", at(26, 9, month=2), head="head_xd", specialist="specialist_xd")
    start("D1", vn, "QLDT-02", at(1, 10), capital=20_000_000_000, land=2000)
    receive("D1", at(2, 9))
    start("D2", kr, "QLDT-02", at(3, 8), zone="KCN-SAO-MAI", capital=30_000_000_000, land=3000)
    receive("D2", at(3, 14), channel=Channel.IN_PERSON)
    start("D3", vn, "QLDT-02", at(4, 8), capital=40_000_000_000, land=4000)
    receive("D3", at(4, 9))
    approve("D1", at(5, 10), "5401000001")
    with time_machine.travel(at(5, 10, 30), tick=False):
        request = ops.request_supplement(d["D3"], people["specialist"],
                                         [{"description": "Bản sao hợp đồng thuê đất", "reason": "Bản chụp bị mờ"}])
    approve("D9", at(6, 8), "5401000009")
    with time_machine.travel(at(6, 9), tick=False):
        ops.return_result(d["D1"], people["desk"], "Trao tận tay")
        ops.rate_service(d["D1"], vn, 5, "Nhanh")
    start("D4", kr, "XD-01", at(6, 16))
    receive("D4", at(9, 9), head="head_xd", specialist="specialist_xd")
    with time_machine.travel(at(9, 10, 30), tick=False):
        ops.add_supplement_file(d["D3"], vn, request.items[0], _pdf("hop-dong.pdf"))
        ops.resubmit_supplement(d["D3"], vn)
    approve("D2", at(10, 11), "5401000002")
    start("D5", vn, "QLDT-02", at(10, 9))
    with time_machine.travel(at(10, 15), tick=False):
        ops.refuse_dossier(d["D5"], people["desk"], "Hồ sơ không thuộc thẩm quyền")
    start("D8", vn, "QLDT-02", at(10, 16))
    receive("D8", at(11, 9))
    with time_machine.travel(at(11, 11), tick=False):
        ops.return_result(d["D2"], people["desk"], "Trao tận tay")
        ops.rate_service(d["D2"], kr, 3, "")
    with time_machine.travel(at(11, 15), tick=False):
        ops.withdraw_dossier(d["D4"], kr, "Thay đổi kế hoạch")
    with time_machine.travel(at(12, 9), tick=False):
        ops.issue_apology(d["D3"], people["head"], at(18, 10), "Cần thêm thời gian thẩm định")
    with time_machine.travel(at(13, 10), tick=False):
        ops.propose_stop(d["D8"], people["specialist"], "Nhà đầu tư đề nghị dừng")
        ops.forward(d["D8"], people["head"], "Đồng ý dừng")
        ops.approve(d["D8"], people["leader"])
    approve("D3", at(16, 10), "5401000003")
    start("D10", vn, "QLDT-02", at(13, 16))
    receive("D10", at(16, 9))
    with time_machine.travel(at(24, 10), tick=False):
        ops.request_supplement(d["D10"], people["specialist"],
                               [{"description": "Báo cáo tài chính", "reason": "Chưa có chữ ký"}])
    start("D7", vn, "QLDT-02", at(27, 16))
    receive("D7", at(30, 9))

    # Certificates changed in March outside these dossiers: an amendment, a transfer, a termination.
    def declared(user, zone, capital, land, workforce=None):
        from portal.projects.operations import create_project, declare_certificate

        with time_machine.travel(at(15, 9, month=1), tick=False):
            project = create_project(enterprise_id=min(user.enterprise_ids), created_by=user,
                                     name_vi="Dự án đã có giấy chứng nhận", zone_id=zones[zone].id)
            project.total_capital_vnd, project.land_area_m2, project.workforce = capital, land, workforce
            declare_certificate(project, user, "5401999999", date(2025, 6, 1))
        return project

    amended = declared(vn, "KCN-DAK-TO", Decimal(50_000_000_000), Decimal(5000), 120)
    transferred = declared(kr, "KKTCK-BO-Y", Decimal(60_000_000_000), Decimal(6000), 80)
    ended = declared(vn, "KCN-HOA-BINH", Decimal(70_000_000_000), Decimal(7000))
    for project, effect, day in ((amended, CertificateEffect.AMEND, 20), (transferred, CertificateEffect.TRANSFER, 23),
                                 (ended, CertificateEffect.TERMINATE, 24)):
        with time_machine.travel(at(day, 9), tick=False):
            project_ops.record_certificate(project, effect, "5401999999", date(2026, 3, day), dossier_id=None,
                                           recorded_by=people["leader"])
    db.session.commit()
    return History(people, d, units, zones)
