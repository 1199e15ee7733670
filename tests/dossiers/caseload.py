"""Many dossiers at once, written straight to the tables (the lists' tests need numbers of
rows, not the way each one got there): each with its own enterprise, project and events."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import count

from portal.accounts.models import Enterprise, User
from portal.catalogue.models import Procedure
from portal.dossiers.models import Dossier, DossierEvent
from portal.dossiers.workflow import Action, State
from portal.extensions import db
from portal.projects.models import Project

START = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)  # 9:00 in Kon Tum, a Monday
_serial = count(1)


def add_dossiers(n: int, state: State, *, procedure_code: str = "QLDT-02", assignee: User | None = None,
                 enterprises: list[Enterprise] | None = None, project: Project | None = None,
                 start: datetime = START, step=timedelta(hours=1), events: bool = True, **fields) -> list[int]:
    """`n` dossiers in `state`, submitted an hour apart from `start`; received (and due ten
    days later) unless submitted; returns their ids in submission order."""
    procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == procedure_code))
    creator = db.session.scalar(db.select(User).order_by(User.id))
    if creator is None:
        from tests.factories import UserFactory

        creator = UserFactory()
    if enterprises is None and project is None:
        enterprises = []
        for _ in range(n):
            number = next(_serial)
            enterprises.append(Enterprise(name=f"Công ty TNHH Thử Nghiệm Số {number}", enterprise_code=f"69{number:08d}",
                                          address="KCN Hòa Bình", legal_representative="Nguyễn Văn A"))
        db.session.add_all(enterprises)
        db.session.flush()
    if project is not None:
        projects = [project]
    else:
        projects = [Project(enterprise_id=e.id, name_vi=f"Dự án {e.id}") for e in enterprises]
        db.session.add_all(projects)
        db.session.flush()
    rows = []
    for i in range(n):
        submitted = start + i * step
        received = None if state is State.SUBMITTED else submitted + timedelta(minutes=30)
        number = next(_serial)
        row = dict(code=f"000.00.25.H34-{submitted:%y%m%d}-{number:04d}", lookup_key=f"K{number:07d}",
                   enterprise_id=projects[i % len(projects)].enterprise_id, project_id=projects[i % len(projects)].id,
                   procedure_id=procedure.id, version_id=(procedure.version_on(submitted.date()) or procedure.versions[-1]).id,
                   unit_id=procedure.unit_id, state=state, created_by_id=creator.id,
                   created_at=submitted, updated_at=submitted, submitted_at=submitted, received_at=received,
                   due_at=received and received + timedelta(days=14), legal_due_at=received and received + timedelta(days=14),
                   book_year=received and received.year, book_serial=received and number, book_entered_at=received,
                   assignee_id=assignee.id if assignee else None, field_values={})
        row.update(fields)
        rows.append(row)
    db.session.execute(db.insert(Dossier), rows)
    ids = list(db.session.scalars(db.select(Dossier.id).where(Dossier.code.in_([r["code"] for r in rows]))
                                  .order_by(Dossier.submitted_at, Dossier.id)))
    if events:
        db.session.execute(db.insert(DossierEvent), [
            dict(dossier_id=i, actor_id=creator.id, action=Action.SUBMIT, from_state=State.DRAFT,
                 to_state=State.SUBMITTED, note="", created_at=r["submitted_at"]) for i, r in zip(ids, rows)])
    db.session.commit()
    return ids
