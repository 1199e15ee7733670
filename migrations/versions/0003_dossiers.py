"""projects, dossiers, slips, calendar

Investors' projects, dossiers with their files and append-only events, the gapless
counters behind dossier codes and receipt numbers, issued slips, and the Board's
calendar overrides.

Revision ID: 0003_dossiers
Revises: 0002_accounts
Create Date: 2026-11-26 08:54:21.572461

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_dossiers'
down_revision = '0002_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_working', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_overrides')),
    sa.UniqueConstraint('day', name=op.f('uq_calendar_overrides_day'))
    )
    op.create_table('sequences',
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', 'period', name=op.f('pk_sequences'))
    )
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('name_vi', sa.String(length=500), nullable=False),
    sa.Column('name_en', sa.String(length=500), nullable=False),
    sa.Column('objectives', sa.Text(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=255), nullable=False),
    sa.Column('land_area_m2', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('total_capital_vnd', sa.Numeric(precision=20, scale=0), nullable=True),
    sa.Column('total_capital_usd', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('capital_sources', sa.Text(), nullable=False),
    sa.Column('workforce', sa.Integer(), nullable=True),
    sa.Column('schedule', sa.Text(), nullable=False),
    sa.Column('sector', sa.String(length=255), nullable=False),
    sa.Column('irc_number', sa.String(length=60), nullable=False),
    sa.Column('irc_date', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_projects_created_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_projects_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_projects_zone_id_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('dossiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=True),
    sa.Column('lookup_key', sa.String(length=16), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'received', 'in_progress', 'supplement_requested', 'pending_approval', 'resolved', 'returned', 'refused', 'stopped', 'withdrawn', name='state', native_enum=False, length=30), nullable=False),
    sa.Column('return_method', sa.Enum('at_desk', 'post', 'online', name='returnmethod', native_enum=False, length=30), nullable=False),
    sa.Column('field_values', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_dossiers_created_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_dossiers_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_dossiers_procedure_id_procedures')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_dossiers_project_id_projects')),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], name=op.f('fk_dossiers_received_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_dossiers_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossiers')),
    sa.UniqueConstraint('code', name=op.f('uq_dossiers_code'))
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index('ix_dossiers_enterprise_state', ['enterprise_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_dossiers_state_submitted', ['state', 'submitted_at'], unique=False)
        batch_op.create_index('ix_dossiers_unit_state_due', ['unit_id', 'state', 'due_at'], unique=False)

    op.create_table('dossier_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.Enum('draft', 'submitted', 'received', 'in_progress', 'supplement_requested', 'pending_approval', 'resolved', 'returned', 'refused', 'stopped', 'withdrawn', name='state', native_enum=False, length=30), nullable=True),
    sa.Column('to_state', sa.Enum('draft', 'submitted', 'received', 'in_progress', 'supplement_requested', 'pending_approval', 'resolved', 'returned', 'refused', 'stopped', 'withdrawn', name='state', native_enum=False, length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_dossier_events_actor_id_users')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_events_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_events'))
    )
    with op.batch_alter_table('dossier_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_events_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('dossier_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('required_document_id', sa.Integer(), nullable=True),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_files_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['required_document_id'], ['required_documents.id'], name=op.f('fk_dossier_files_required_document_id_required_documents')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_dossier_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_files')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_dossier_files_storage_key'))
    )
    with op.batch_alter_table('dossier_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_files_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('slips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('receipt', name='slipkind', native_enum=False, length=30), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_slips_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slips')),
    sa.UniqueConstraint('kind', 'number', name=op.f('uq_slips_kind')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_slips_storage_key'))
    )
    with op.batch_alter_table('slips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slips_dossier_id'), ['dossier_id'], unique=False)

    with op.batch_alter_table('procedures', schema=None) as batch_op:
        # Server defaults fill the rows that already exist; the loader sets real values.
        batch_op.add_column(sa.Column('creates_project', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('form_fields', sa.JSON(), nullable=False, server_default='[]'))



def downgrade():
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_column('form_fields')
        batch_op.drop_column('creates_project')

    with op.batch_alter_table('slips', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slips_dossier_id'))

    op.drop_table('slips')
    with op.batch_alter_table('dossier_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_files_dossier_id'))

    op.drop_table('dossier_files')
    with op.batch_alter_table('dossier_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_events_dossier_id'))

    op.drop_table('dossier_events')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_dossiers_unit_state_due')
        batch_op.drop_index('ix_dossiers_state_submitted')
        batch_op.drop_index(batch_op.f('ix_dossiers_project_id'))
        batch_op.drop_index('ix_dossiers_enterprise_state')

    op.drop_table('dossiers')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_enterprise_id'))

    op.drop_table('projects')
    op.drop_table('sequences')
    op.drop_table('calendar_overrides')
