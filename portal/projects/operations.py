"""Creating and editing investment projects."""
from __future__ import annotations

from portal.extensions import db
from portal.projects.models import Project

EDITABLE = (
    "name_vi", "name_en", "objectives", "zone_id", "location", "land_area_m2", "total_capital_vnd",
    "total_capital_usd", "capital_sources", "workforce", "schedule", "sector",
)


def create_project(*, enterprise_id: int, created_by, **data) -> Project:
    """A new project of the enterprise (licence data comes later, from the Board)."""
    project = Project(enterprise_id=enterprise_id, created_by=created_by)
    _assign(project, data)
    db.session.add(project)
    db.session.flush()
    return project


def update_project(project: Project, **data) -> None:
    _assign(project, data)
    db.session.flush()


def _assign(project: Project, data: dict) -> None:
    for key in EDITABLE:
        if key in data:
            value = data[key]
            setattr(project, key, value.strip() if isinstance(value, str) else value)
