"""enterprise claims: codes claimed on confirmation, requests to join, invitations

An enterprise's code is claimed when its registration is confirmed (until then only
requested); a member may be waiting for the representative's approval; invitations by
e-mail; an expired registration's audit events keep their target and lose the link.
Existing enterprises of confirmed representatives count as claimed; the codes of
unconfirmed ones become requests.

Revision ID: 0008_enterprise_claims
Revises: 0007_throttles
Create Date: 2026-11-26 17:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_enterprise_claims'
down_revision = '0007_throttles'
branch_labels = None
depends_on = None

STATUS = sa.Enum('active', 'pending', name='memberstatus', native_enum=False, length=30)


def upgrade():
    op.create_table('enterprise_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_enterprise_invitations_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_enterprise_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_invitations'))
    )
    with op.batch_alter_table('enterprise_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_invitations_enterprise_id'), ['enterprise_id'], unique=False)

    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_code', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('enterprise_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', STATUS, nullable=False, server_default='active'))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint('fk_audit_events_actor_id_users', type_='foreignkey')
        batch_op.create_foreign_key('fk_audit_events_actor_id_users', 'users', ['actor_id'], ['id'],
                                    ondelete='SET NULL')

    op.execute(
        "UPDATE enterprises SET claimed_at = created_at WHERE EXISTS (SELECT 1 FROM enterprise_members m "
        "JOIN users u ON u.id = m.user_id WHERE m.enterprise_id = enterprises.id AND u.email_confirmed_at IS NOT NULL)")
    op.execute("UPDATE enterprises SET requested_code = enterprise_code, enterprise_code = NULL "
               "WHERE claimed_at IS NULL")


def downgrade():
    # Unconfirmed registrations get their code back as before, one per code (the oldest);
    # a code an operator released stays free.
    op.execute("UPDATE enterprises SET enterprise_code = requested_code WHERE enterprise_code IS NULL "
               "AND requested_code IS NOT NULL AND claimed_at IS NULL "
               "AND id = (SELECT MIN(e.id) FROM enterprises e WHERE e.requested_code = enterprises.requested_code "
               "AND e.enterprise_code IS NULL AND e.claimed_at IS NULL) "
               "AND NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.enterprise_code = enterprises.requested_code)")
    op.execute("DELETE FROM enterprise_members WHERE status = 'pending'")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint('fk_audit_events_actor_id_users', type_='foreignkey')
        batch_op.create_foreign_key('fk_audit_events_actor_id_users', 'users', ['actor_id'], ['id'])

    with op.batch_alter_table('enterprise_members', schema=None) as batch_op:
        batch_op.drop_column('status')

    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('requested_code')

    with op.batch_alter_table('enterprise_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_invitations_enterprise_id'))

    op.drop_table('enterprise_invitations')
