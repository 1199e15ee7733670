"""Every domain's models, imported in one place so Alembic and the app see all tables."""
from portal.accounts.models import Enterprise, EnterpriseMember, User  # noqa: F401
from portal.audit.models import AuditEvent  # noqa: F401
from portal.calendar.models import CalendarOverride  # noqa: F401
from portal.catalogue.models import Field, Organisation, Procedure, RequiredDocument, Unit, Zone  # noqa: F401
from portal.documents.models import Slip  # noqa: F401
from portal.dossiers.models import (  # noqa: F401
    Dossier, DossierEvent, DossierFile, DossierNote, Sequence, ServiceRating, SupplementItem, SupplementRequest,
)
from portal.projects.models import Project  # noqa: F401
from portal.services.reference import ReferenceStamp  # noqa: F401
