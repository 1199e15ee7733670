"""throttles: wrong logins counted per account and address; TOTP secrets encrypted

The per-account lock (failed_logins, locked_until) gives way to the login_throttles table:
wrong passwords per address typed and client address (known account or not), wrong
second-factor codes per account, each past a few free attempts waiting longer. TOTP secrets are stored encrypted (a Fernet
token is longer than the secret): the column widens; `flask users rotate-keys` encrypts
the secrets stored before.

Revision ID: 0007_throttles
Revises: 0006_facts
Create Date: 2026-11-26 17:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_throttles'
down_revision = '0006_facts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=254), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
    sa.UniqueConstraint('kind', 'subject', 'source', name=op.f('uq_login_throttles_kind'))
    )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    _decrypt_secrets()
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)

    op.drop_table('login_throttles')


def _decrypt_secrets():
    """The earlier code stored TOTP secrets in clear: decrypt them back with the app's keys;
    a secret that cannot be read is cleared (that officer enrols the authenticator again)."""
    conn = op.get_bind()
    try:
        from portal.services.crypto import decrypt

        rows = conn.execute(sa.text("SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL")).all()
    except Exception:  # noqa: BLE001 - outside the application (no keys): nothing can be decrypted
        rows, decrypt = [], None
    for user_id, stored in rows:
        try:
            plain = decrypt(stored)
        except Exception:  # noqa: BLE001 - a key removed meanwhile
            plain = None
        if plain and len(plain) <= 64:
            conn.execute(sa.text("UPDATE users SET totp_secret = :s WHERE id = :id"), {"s": plain, "id": user_id})
        else:
            conn.execute(sa.text("UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, "
                                 "totp_last_step = NULL WHERE id = :id"), {"id": user_id})
    if decrypt is None:
        conn.execute(sa.text("UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL "
                             "WHERE totp_secret IS NOT NULL"))
