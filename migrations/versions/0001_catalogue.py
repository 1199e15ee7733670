"""catalogue: organisation, units, zones, fields, procedures, documents

Revision ID: 0001_catalogue
Revises: 
Create Date: 2026-11-26

The organisation and its procedure catalogue, loaded by `flask catalogue load`.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001_catalogue'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_vi', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fields')),
    sa.UniqueConstraint('code', name=op.f('uq_fields_code'))
    )

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_vi', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('short_name_vi', sa.String(length=120), nullable=False),
    sa.Column('short_name_en', sa.String(length=120), nullable=False),
    sa.Column('parent_agency_vi', sa.String(length=255), nullable=False),
    sa.Column('parent_agency_en', sa.String(length=255), nullable=False),
    sa.Column('agency_code', sa.String(length=40), nullable=False),
    sa.Column('place_name', sa.String(length=80), nullable=False),
    sa.Column('address_vi', sa.String(length=255), nullable=False),
    sa.Column('address_en', sa.String(length=255), nullable=False),
    sa.Column('hotline', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('website', sa.String(length=255), nullable=False),
    sa.Column('office_hours_vi', sa.String(length=255), nullable=False),
    sa.Column('office_hours_en', sa.String(length=255), nullable=False),
    sa.Column('description_vi', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('code', name=op.f('uq_organisations_code'))
    )

    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('leadership', 'office', 'department', 'affiliated', name='unitkind', native_enum=False, length=30), nullable=False),
    sa.Column('name_vi', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('description_vi', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('is_one_stop_desk', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code'))
    )

    op.create_table('zones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('industrial_park', 'border_gate_economic_zone', name='zonekind', native_enum=False, length=30), nullable=False),
    sa.Column('name_vi', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('area_ha', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('location_vi', sa.String(length=255), nullable=False),
    sa.Column('location_en', sa.String(length=255), nullable=False),
    sa.Column('description_vi', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zones')),
    sa.UniqueConstraint('code', name=op.f('uq_zones_code'))
    )

    op.create_table('procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('national_code', sa.String(length=40), nullable=False),
    sa.Column('name_vi', sa.String(length=500), nullable=False),
    sa.Column('name_en', sa.String(length=500), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('time_limit_days', sa.Integer(), nullable=True),
    sa.Column('time_limit_kind', sa.Enum('working_days', 'calendar_days', name='timelimitkind', native_enum=False, length=30), nullable=False),
    sa.Column('time_limit_note_vi', sa.Text(), nullable=False),
    sa.Column('time_limit_note_en', sa.Text(), nullable=False),
    sa.Column('fee_amount', sa.Integer(), nullable=True),
    sa.Column('fee_vi', sa.Text(), nullable=False),
    sa.Column('fee_en', sa.Text(), nullable=False),
    sa.Column('legal_basis_vi', sa.Text(), nullable=False),
    sa.Column('legal_basis_en', sa.Text(), nullable=False),
    sa.Column('result_vi', sa.Text(), nullable=False),
    sa.Column('result_en', sa.Text(), nullable=False),
    sa.Column('online_level', sa.Enum('full', 'partial', name='onlinelevel', native_enum=False, length=30), nullable=False),
    sa.Column('supplement_clock', sa.Enum('pause', 'restart', name='supplementclock', native_enum=False, length=30), nullable=False),
    sa.Column('dossier_sets', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.CheckConstraint('time_limit_days IS NULL OR time_limit_days > 0', name=op.f('ck_procedures_time_limit_positive')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_procedures_field_id_fields')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_procedures_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedures')),
    sa.UniqueConstraint('code', name=op.f('uq_procedures_code'))
    )
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedures_field_id'), ['field_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_procedures_unit_id'), ['unit_id'], unique=False)

    op.create_table('required_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_vi', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=False),
    sa.Column('note_vi', sa.Text(), nullable=False),
    sa.Column('note_en', sa.Text(), nullable=False),
    sa.Column('is_mandatory', sa.Boolean(), nullable=False),
    sa.Column('originals', sa.Integer(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('accepted_types', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_required_documents_procedure_id_procedures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_required_documents')),
    sa.UniqueConstraint('procedure_id', 'position', name=op.f('uq_required_documents_procedure_id'))
    )


def downgrade():
    op.drop_table('required_documents')
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedures_unit_id'))
        batch_op.drop_index(batch_op.f('ix_procedures_field_id'))
    op.drop_table('procedures')
    op.drop_table('zones')
    op.drop_table('units')
    op.drop_table('organisations')
    op.drop_table('fields')
