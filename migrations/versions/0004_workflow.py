"""officer workflow

Assignment, supplement requests with their items, proposals and decisions, the apology
date, the return of results, internal notes, service ratings, and the kind of each file.
Server defaults fill the columns of rows that already exist.

Revision ID: 0004_workflow
Revises: 0003_dossiers
Create Date: 2026-11-26 09:07:26.022573

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_workflow'
down_revision = '0003_dossiers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issues_irc', sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table('dossier_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_dossier_notes_author_id_users')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_notes_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_notes'))
    )
    with op.batch_alter_table('dossier_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_notes_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('service_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_service_ratings_score_range')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_service_ratings_dossier_id_dossiers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_service_ratings_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_ratings')),
    sa.UniqueConstraint('dossier_id', name=op.f('uq_service_ratings_dossier_id'))
    )
    op.create_table('supplement_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('origin_state', sa.Enum('draft', 'submitted', 'received', 'in_progress', 'supplement_requested', 'pending_approval', 'resolved', 'returned', 'refused', 'stopped', 'withdrawn', name='state', native_enum=False, length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_supplement_requests_dossier_id_dossiers')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_supplement_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplement_requests'))
    )
    with op.batch_alter_table('supplement_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplement_requests_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('supplement_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('required_document_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['supplement_requests.id'], name=op.f('fk_supplement_items_request_id_supplement_requests')),
    sa.ForeignKeyConstraint(['required_document_id'], ['required_documents.id'], name=op.f('fk_supplement_items_required_document_id_required_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplement_items'))
    )
    with op.batch_alter_table('supplement_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplement_items_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('dossier_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('application', 'supplement', 'draft_result', 'result', name='filekind', native_enum=False, length=30), nullable=False, server_default='application'))
        batch_op.add_column(sa.Column('supplement_item_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_dossier_files_supplement_item_id_supplement_items'), 'supplement_items', ['supplement_item_id'], ['id'])

    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('supplement_origin', sa.Enum('draft', 'submitted', 'received', 'in_progress', 'supplement_requested', 'pending_approval', 'resolved', 'returned', 'refused', 'stopped', 'withdrawn', name='state', native_enum=False, length=30), nullable=True))
        batch_op.add_column(sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('proposal', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('proposal_note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('outcome', sa.Enum('approved', 'not_approved', 'stopped', name='outcome', native_enum=False, length=30), nullable=True))
        batch_op.add_column(sa.Column('decision_note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('apology_issued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('handover', sa.String(length=255), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_dossiers_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_dossiers_decided_by_id_users'), 'users', ['decided_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_dossiers_assignee_id_users'), 'users', ['assignee_id'], ['id'])



def downgrade():
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_column('issues_irc')

    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossiers_assignee_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_dossiers_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dossiers_assignee_id'))
        batch_op.drop_column('handover')
        batch_op.drop_column('returned_at')
        batch_op.drop_column('apology_issued_at')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('decision_note')
        batch_op.drop_column('outcome')
        batch_op.drop_column('proposal_note')
        batch_op.drop_column('proposal')
        batch_op.drop_column('paused_at')
        batch_op.drop_column('supplement_origin')
        batch_op.drop_column('assignee_id')

    with op.batch_alter_table('dossier_files', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossier_files_supplement_item_id_supplement_items'), type_='foreignkey')
        batch_op.drop_column('supplement_item_id')
        batch_op.drop_column('kind')

    with op.batch_alter_table('supplement_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplement_items_request_id'))

    op.drop_table('supplement_items')
    with op.batch_alter_table('supplement_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplement_requests_dossier_id'))

    op.drop_table('supplement_requests')
    op.drop_table('service_ratings')
    with op.batch_alter_table('dossier_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_notes_dossier_id'))

    op.drop_table('dossier_notes')
