"""procedure versions: what the law sets, per effective period; each dossier bound to its version; units' heads and the data file's codes of units and zones

A procedure keeps what names and routes it (code, names, field, unit, certificate effect);
its time limit, fee, legal basis, online level, signers, step split, fields, sets and
required documents move into `procedure_versions`. Each procedure's current values become
its version 1, published, in force from its old `effective_from` (or 2000-01-01 when it had
none); its documents and every dossier move to that version. Documents gain a blank form
(a stored file) where the law provides one. Units and zones keep the code the data file
gave them (`data_code`, filled from `code`), so their code may change in the administration
and `flask catalogue load` still finds them. A unit names who heads it.

The downgrade puts back on each procedure the values of its latest published version, keeps
that version's documents (a file attached to another version's document moves to the kept
document at the same position, or loses its document when there is none) and drops the rest.

Revision ID: 0011_procedure_versions
Revises: 0010_reports
Create Date: 2026-11-27 06:10:00

"""
from datetime import date, datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0011_procedure_versions'
down_revision = '0010_reports'
branch_labels = None
depends_on = None

TIME_LIMIT_KIND = sa.Enum('working_days', 'calendar_days', name='timelimitkind', native_enum=False, length=30)
ONLINE_LEVEL = sa.Enum('full', 'partial', name='onlinelevel', native_enum=False, length=30)
SUPPLEMENT_CLOCK = sa.Enum('pause', 'restart', name='supplementclock', native_enum=False, length=30)
CHAIN = sa.Enum('head', 'leader', 'head_then_leader', name='approvalchain', native_enum=False, length=30)


def moved():
    """The columns that move from procedures to their versions, as 0001-0010 made them."""
    return (
        sa.Column('time_limit_days', sa.Integer(), nullable=True),
        sa.Column('time_limit_kind', TIME_LIMIT_KIND, nullable=False, server_default='working_days'),
        sa.Column('time_limit_note_vi', sa.Text(), nullable=False, server_default=''),
        sa.Column('time_limit_note_en', sa.Text(), nullable=False, server_default=''),
        sa.Column('fee_amount', sa.Integer(), nullable=True),
        sa.Column('fee_vi', sa.Text(), nullable=False, server_default=''),
        sa.Column('fee_en', sa.Text(), nullable=False, server_default=''),
        sa.Column('legal_basis_vi', sa.Text(), nullable=False, server_default=''),
        sa.Column('legal_basis_en', sa.Text(), nullable=False, server_default=''),
        sa.Column('result_vi', sa.Text(), nullable=False, server_default=''),
        sa.Column('result_en', sa.Text(), nullable=False, server_default=''),
        sa.Column('online_level', ONLINE_LEVEL, nullable=False, server_default='partial'),
        sa.Column('supplement_clock', SUPPLEMENT_CLOCK, nullable=False, server_default='pause'),
        sa.Column('approval_chain', CHAIN, nullable=False, server_default='leader'),
        sa.Column('processing_supplements', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('step_days', sa.JSON(), nullable=False, server_default='{}'),
        sa.Column('form_fields', sa.JSON(), nullable=False, server_default='[]'),
        sa.Column('dossier_sets', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('effective_from', sa.Date(), nullable=True),
        sa.Column('effective_to', sa.Date(), nullable=True),
    )


COPIED = [c.name for c in moved() if c.name != 'effective_from']


def upgrade():
    op.create_table('procedure_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('legal_basis_vi', sa.Text(), nullable=False),
    sa.Column('legal_basis_en', sa.Text(), nullable=False),
    sa.Column('time_limit_days', sa.Integer(), nullable=True),
    sa.Column('time_limit_kind', TIME_LIMIT_KIND, nullable=False),
    sa.Column('time_limit_note_vi', sa.Text(), nullable=False),
    sa.Column('time_limit_note_en', sa.Text(), nullable=False),
    sa.Column('fee_amount', sa.Integer(), nullable=True),
    sa.Column('fee_vi', sa.Text(), nullable=False),
    sa.Column('fee_en', sa.Text(), nullable=False),
    sa.Column('result_vi', sa.Text(), nullable=False),
    sa.Column('result_en', sa.Text(), nullable=False),
    sa.Column('online_level', ONLINE_LEVEL, nullable=False),
    sa.Column('supplement_clock', SUPPLEMENT_CLOCK, nullable=False),
    sa.Column('approval_chain', CHAIN, nullable=False),
    sa.Column('processing_supplements', sa.Integer(), nullable=False),
    sa.Column('step_days', sa.JSON(), nullable=False),
    sa.Column('form_fields', sa.JSON(), nullable=False),
    sa.Column('dossier_sets', sa.Integer(), nullable=False),
    sa.Column('verify', sa.JSON(), nullable=False, server_default='[]'),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('effective_to IS NULL OR effective_from IS NULL OR effective_to >= effective_from',
                       name=op.f('ck_procedure_versions_period_in_order')),
    sa.CheckConstraint('time_limit_days IS NULL OR time_limit_days > 0',
                       name=op.f('ck_procedure_versions_time_limit_positive')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'],
                            name=op.f('fk_procedure_versions_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_versions')),
    sa.UniqueConstraint('procedure_id', 'number', name=op.f('uq_procedure_versions_procedure_id'))
    )
    with op.batch_alter_table('procedure_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_versions_procedure_id'), ['procedure_id'], unique=False)

    conn = op.get_bind()
    columns = ", ".join(COPIED)
    conn.execute(sa.text(
        f"INSERT INTO procedure_versions (procedure_id, number, effective_from, {columns}) "
        f"SELECT id, 1, COALESCE(effective_from, :start), {columns} FROM procedures"),
        {"start": date(2000, 1, 1)})
    versions = sa.table('procedure_versions', sa.column('published_at', sa.DateTime(timezone=True)))
    conn.execute(versions.update().values(published_at=datetime.now(timezone.utc)))

    with op.batch_alter_table('required_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('blank_form_key', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('blank_form_name', sa.String(length=255), nullable=False, server_default=''))
    conn.execute(sa.text(
        "UPDATE required_documents SET version_id = (SELECT v.id FROM procedure_versions v "
        "WHERE v.procedure_id = required_documents.procedure_id AND v.number = 1)"))
    with op.batch_alter_table('required_documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_required_documents_procedure_id'), type_='unique')
        batch_op.drop_constraint(op.f('fk_required_documents_procedure_id_procedures'), type_='foreignkey')
        batch_op.drop_column('procedure_id')
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_required_documents_version_id_procedure_versions'),
                                    'procedure_versions', ['version_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint(batch_op.f('uq_required_documents_version_id'), ['version_id', 'position'])

    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
    conn.execute(sa.text(
        "UPDATE dossiers SET version_id = (SELECT v.id FROM procedure_versions v "
        "WHERE v.procedure_id = dossiers.procedure_id AND v.number = 1)"))
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_dossiers_version_id_procedure_versions'),
                                    'procedure_versions', ['version_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_dossiers_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('units', schema=None) as batch_op:
        for name in ('head_name', 'head_title_vi', 'head_title_en'):
            batch_op.add_column(sa.Column(name, sa.String(length=200), nullable=False, server_default=''))
    for table in ('units', 'zones'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('data_code', sa.String(length=40), nullable=True))
        conn.execute(sa.text(f"UPDATE {table} SET data_code = code"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_data_code'), ['data_code'])

    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_procedures_time_limit_positive'), type_='check')
        for column in moved():
            batch_op.drop_column(column.name)


def downgrade():
    conn = op.get_bind()
    for table in ('units', 'zones'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_data_code'), type_='unique')
            batch_op.drop_column('data_code')
    with op.batch_alter_table('units', schema=None) as batch_op:
        for name in ('head_name', 'head_title_vi', 'head_title_en'):
            batch_op.drop_column(name)
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        for column in moved():
            batch_op.add_column(column)
        batch_op.create_check_constraint(op.f('ck_procedures_time_limit_positive'),
                                         'time_limit_days IS NULL OR time_limit_days > 0')
    # Each procedure's kept version: its latest published one (its latest draft if none is).
    conn.execute(sa.text("CREATE TEMPORARY TABLE kept_versions (procedure_id INTEGER, version_id INTEGER)"))
    conn.execute(sa.text(
        "INSERT INTO kept_versions SELECT p.id, (SELECT v.id FROM procedure_versions v WHERE v.procedure_id = p.id "
        "ORDER BY CASE WHEN v.published_at IS NULL THEN 0 ELSE 1 END DESC, v.number DESC LIMIT 1) FROM procedures p"))
    names = COPIED + ['effective_from']
    assignments = ", ".join(
        f"{name} = (SELECT v.{name} FROM procedure_versions v JOIN kept_versions k ON k.version_id = v.id "
        f"WHERE k.procedure_id = procedures.id)" for name in names)
    conn.execute(sa.text(f"UPDATE procedures SET {assignments} "
                         "WHERE EXISTS (SELECT 1 FROM kept_versions k WHERE k.procedure_id = procedures.id "
                         "AND k.version_id IS NOT NULL)"))

    # Files and supplement items of another version's document: the kept document at the same position.
    for table in ('dossier_files', 'supplement_items'):
        conn.execute(sa.text(
            f"UPDATE {table} SET required_document_id = ("
            "SELECT kd.id FROM required_documents od "
            "JOIN procedure_versions ov ON ov.id = od.version_id "
            "JOIN kept_versions k ON k.procedure_id = ov.procedure_id "
            "JOIN required_documents kd ON kd.version_id = k.version_id AND kd.position = od.position "
            f"WHERE od.id = {table}.required_document_id) "
            f"WHERE required_document_id IS NOT NULL AND required_document_id NOT IN ("
            "SELECT d.id FROM required_documents d JOIN kept_versions k ON k.version_id = d.version_id)"))
    conn.execute(sa.text("DELETE FROM required_documents WHERE version_id NOT IN "
                         "(SELECT version_id FROM kept_versions WHERE version_id IS NOT NULL)"))

    with op.batch_alter_table('required_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('procedure_id', sa.Integer(), nullable=True))
    conn.execute(sa.text("UPDATE required_documents SET procedure_id = (SELECT v.procedure_id FROM "
                         "procedure_versions v WHERE v.id = required_documents.version_id)"))
    conn.execute(sa.text("DROP TABLE kept_versions"))
    with op.batch_alter_table('required_documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_required_documents_version_id'), type_='unique')
        batch_op.drop_constraint(op.f('fk_required_documents_version_id_procedure_versions'), type_='foreignkey')
        batch_op.drop_column('version_id')
        batch_op.drop_column('blank_form_key')
        batch_op.drop_column('blank_form_name')
        batch_op.alter_column('procedure_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(op.f('fk_required_documents_procedure_id_procedures'), 'procedures',
                                    ['procedure_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint(op.f('uq_required_documents_procedure_id'), ['procedure_id', 'position'])

    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_version_id'))
        batch_op.drop_constraint(op.f('fk_dossiers_version_id_procedure_versions'), type_='foreignkey')
        batch_op.drop_column('version_id')

    with op.batch_alter_table('procedure_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_versions_procedure_id'))
    op.drop_table('procedure_versions')
