"""reports and administration: how a dossier reached the Board, its grade fixed at its end, report indexes

`dossiers.channel` (online, in person, by post: the Decision 766 split), `grade` and
`processing_days` (fixed when a received dossier ends, so a closed period's figures never
change), `late_at` (when a rule of Decision 766 made it late), the audit trail by time, when the organisation, a unit or a zone was last changed in
the administration (`flask catalogue load` then leaves it), on each certificate entry the
project's zone and figures and the investor's country when it was made, and indexes from which a period's receptions and ends are counted without
reading the table. On PostgreSQL also a GiST index on the span each received dossier was
open, so "open at a moment" (carried over, still open at a period's end) reads only the
dossiers open then. Dossiers that ended before this revision get their grade from
`flask reports regrade`.

Revision ID: 0010_reports
Revises: 0009_lists
Create Date: 2026-11-27 03:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_reports'
down_revision = '0009_lists'
branch_labels = None
depends_on = None

POSTGRESQL = (
    # Open at T: received before T and not ended before it, i.e. T in (received_at, finished_at].
    "CREATE INDEX pg_dossiers_open_span ON dossiers USING gist (tstzrange(received_at, finished_at, '(]')) "
    "WHERE received_at IS NOT NULL",
)
POSTGRESQL_DOWN = ("DROP INDEX IF EXISTS pg_dossiers_open_span",)
BACKFILL = (
    "UPDATE certificate_entries SET "
    "zone_id = (SELECT zone_id FROM projects WHERE projects.id = certificate_entries.project_id), "
    "country = COALESCE((SELECT enterprises.country FROM projects JOIN enterprises ON enterprises.id = "
    "projects.enterprise_id WHERE projects.id = certificate_entries.project_id), ''), "
    "capital_vnd = (SELECT total_capital_vnd FROM projects WHERE projects.id = certificate_entries.project_id), "
    "capital_usd = (SELECT total_capital_usd FROM projects WHERE projects.id = certificate_entries.project_id), "
    "land_m2 = (SELECT land_area_m2 FROM projects WHERE projects.id = certificate_entries.project_id), "
    "workforce = (SELECT workforce FROM projects WHERE projects.id = certificate_entries.project_id)"
)


def upgrade():
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.Enum('online', 'in_person', 'post', name='channel',
                                                         native_enum=False, length=12),
                                      nullable=False, server_default='online'))
        batch_op.add_column(sa.Column('grade', sa.Enum('early', 'on_time', 'late', 'within', 'past',
                                                       name='timeliness', native_enum=False, length=10),
                                      nullable=True))
        batch_op.add_column(sa.Column('processing_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('late_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index('ix_dossiers_report_received', ['received_at', 'unit_id', 'procedure_id', 'channel'],
                              unique=False)
        batch_op.create_index('ix_dossiers_report_finished', ['finished_at', 'unit_id', 'procedure_id', 'state',
                                                              'grade', 'processing_days', 'received_at'],
                              unique=False)
    with op.batch_alter_table('service_ratings', schema=None) as batch_op:
        batch_op.create_index('ix_service_ratings_created', ['created_at', 'score', 'dossier_id'], unique=False)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_created', ['created_at', 'id'], unique=False)
    for table in ('organisations', 'units', 'zones'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('certificate_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('zone_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('capital_vnd', sa.Numeric(precision=20, scale=0), nullable=True))
        batch_op.add_column(sa.Column('capital_usd', sa.Numeric(precision=16, scale=2), nullable=True))
        batch_op.add_column(sa.Column('land_m2', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('workforce', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_certificate_entries_zone_id_zones'), 'zones', ['zone_id'], ['id'])
        batch_op.create_index('ix_certificate_entries_kind_issued', ['kind', 'issued_on', 'project_id'], unique=False)
    # Entries made before: the figures of their project as it stands (the best there is).
    op.execute(BACKFILL)
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL:
            op.execute(statement)
        op.execute("ANALYZE dossiers")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL_DOWN:
            op.execute(statement)
    with op.batch_alter_table('certificate_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_certificate_entries_kind_issued')
        batch_op.drop_constraint(batch_op.f('fk_certificate_entries_zone_id_zones'), type_='foreignkey')
        for column in ('workforce', 'land_m2', 'capital_usd', 'capital_vnd', 'country', 'zone_id'):
            batch_op.drop_column(column)
    for table in ('zones', 'units', 'organisations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('edited_at')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_created')
    with op.batch_alter_table('service_ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_service_ratings_created')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_dossiers_report_finished')
        batch_op.drop_index('ix_dossiers_report_received')
        batch_op.drop_column('late_at')
        batch_op.drop_column('processing_days')
        batch_op.drop_column('grade')
        batch_op.drop_column('channel')
