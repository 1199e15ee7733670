"""factory-boy factories; one trait per role."""
from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from portal.accounts.models import Enterprise, EnterpriseMember, Role, User
from portal.accounts.security import hash_password
from portal.catalogue.models import Unit
from portal.db import utcnow
from portal.extensions import db

PASSWORD = "Mật-khẩu-thử-2026"


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"  # a savepoint inside the test's transaction


class EnterpriseFactory(BaseFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"Công ty TNHH Đầu tư Số {n}")
    enterprise_code = factory.Sequence(lambda n: f"61{n:08d}")
    address = "Lô A1, KCN Hòa Bình, thành phố Kon Tum"
    legal_representative = "Nguyễn Văn Đại Diện"
    country = "VN"
    claimed_at = factory.LazyFunction(utcnow)


def _unit_for(role: Role):
    code = {Role.DESK_OFFICER: "VP", Role.SPECIALIST: "QLDT", Role.DEPARTMENT_HEAD: "QLDT"}.get(role)
    if code is None:
        return None
    return db.session.scalar(db.select(Unit).where(Unit.code == code))


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"nguoidung{n}@example.com")
    full_name = "Nguyễn Thị Thử"
    phone = "0260 3 123 456"
    role = Role.INVESTOR
    language = "vi"
    is_active = True
    email_confirmed_at = factory.LazyFunction(utcnow)
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    unit = factory.LazyAttribute(lambda o: _unit_for(o.role))

    @factory.post_generation
    def enterprise(obj, create, extracted, **kwargs):
        if obj.role is Role.INVESTOR and extracted is not False:
            enterprise = extracted or EnterpriseFactory()
            db.session.add(EnterpriseMember(user=obj, enterprise=enterprise, is_representative=True))
            db.session.commit()

    class Params:
        unconfirmed = factory.Trait(email_confirmed_at=None)
        inactive = factory.Trait(is_active=False)
        desk_officer = factory.Trait(role=Role.DESK_OFFICER)
        specialist = factory.Trait(role=Role.SPECIALIST)
        department_head = factory.Trait(role=Role.DEPARTMENT_HEAD)
        board_leader = factory.Trait(role=Role.BOARD_LEADER)
        admin = factory.Trait(role=Role.ADMIN)


def amendment_draft(user: User, project_name: str = "Dự án điều chỉnh", files: bool = True):
    """A draft of QLDT-05 (amending an investment certificate) for a new project of `user`'s
    enterprise that holds one, with a PDF for each required document when `files`: the
    quickest complete dossier, for tests that need real ones in a portal of their own."""
    import io
    from datetime import date

    from werkzeug.datastructures import FileStorage

    from portal.catalogue.models import Procedure, Zone
    from portal.dossiers import operations as ops
    from portal.projects.operations import create_project, declare_certificate
    from tests.samples import PDF

    zone = db.session.scalar(db.select(Zone).where(Zone.code == "KCN-HOA-BINH"))
    project = create_project(enterprise_id=min(user.enterprise_ids), created_by=user, name_vi=project_name,
                             zone_id=zone.id)
    declare_certificate(project, user, "5401234567", date(2025, 1, 15))
    procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == "QLDT-05"))
    dossier = ops.start_dossier(user=user, procedure=procedure, project=project)
    if files:
        for document in dossier.version.documents:
            ops.add_file(dossier, user, document, FileStorage(io.BytesIO(PDF), "giấy tờ.pdf"))
    return dossier
