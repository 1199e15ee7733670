"""Projects, scoped by who asks: an investor sees only the enterprises' own."""
from __future__ import annotations

from typing import Optional

from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.projects.models import CertificateEntry, Project


def projects_for(user) -> list[Project]:
    if not user.enterprise_ids:
        return []
    return list(db.session.scalars(
        db.select(Project)
        .where(Project.enterprise_id.in_(user.enterprise_ids))
        .options(selectinload(Project.zone), selectinload(Project.enterprise),
                 selectinload(Project.certificate_entries))
        .order_by(Project.created_at.desc(), Project.id.desc())
    ))


def project_for(user, project_id: int) -> Optional[Project]:
    """The project if `user` may see it (its enterprise's members, and officers)."""
    project = db.session.scalar(
        db.select(Project).where(Project.id == project_id)
        .options(selectinload(Project.zone), selectinload(Project.enterprise),
                 selectinload(Project.certificate_entries).selectinload(CertificateEntry.dossier)))
    if project is None:
        return None
    if project.enterprise_id in user.enterprise_ids or user.is_officer:
        return project
    return None
