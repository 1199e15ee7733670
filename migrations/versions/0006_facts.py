"""facts: legal due date, tracking book, signers, certificate record

The legal due date kept apart from the appointment (an apology moves only the latter);
the tracking-book serial given once at reception or refusal; whose decision a proposal
waits for; each procedure's approval chain, certificate effect, supplement allowance
and step split; the agency head who signs in the agency's name; officers' positions;
and the project's certificate history, which replaces the single number and date.

Existing rows are carried over: the legal due date is the appointment, or for a dossier
that had an apology the original appointment its apology slip recorded; book serials are
numbered in order of reception per year (and the counter set after them); proposals
awaiting approval wait for a Board leader (`flask catalogue load` then sends each to the
first signer of its procedure); each project's certificate becomes its first-issue entry.

Revision ID: 0006_facts
Revises: 0005_security
Create Date: 2026-11-26 16:05:00

"""
from datetime import timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0006_facts'
down_revision = '0005_security'
branch_labels = None
depends_on = None

ROLE = sa.Enum('investor', 'desk_officer', 'specialist', 'department_head', 'board_leader', 'admin', name='role',
               native_enum=False, length=30)
EFFECT = sa.Enum('none', 'issue', 'amend', 'reissue', 'terminate', name='certificateeffect', native_enum=False,
                 length=30)
CHAIN = sa.Enum('head', 'leader', 'head_then_leader', name='approvalchain', native_enum=False, length=30)
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def upgrade():
    op.create_table('certificate_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('kind', EFFECT, nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('amendment_no', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_certificate_entries_dossier_id_dossiers')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_certificate_entries_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_certificate_entries_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_entries')),
    sa.UniqueConstraint('project_id', 'sequence', name=op.f('uq_certificate_entries_project_id'))
    )
    with op.batch_alter_table('certificate_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_entries_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('book_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('book_serial', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('book_entered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('awaiting_signer', ROLE, nullable=True))
        batch_op.create_index('ix_dossiers_book_entered_at', ['book_entered_at'], unique=False)

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('head_title_vi', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('head_title_en', sa.String(length=200), nullable=False, server_default=''))

    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_effect', EFFECT, nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('requires_certificate', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('approval_chain', CHAIN, nullable=False, server_default='leader'))
        batch_op.add_column(sa.Column('processing_supplements', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('step_days', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.String(length=200), nullable=False, server_default=''))

    _carry_over()

    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_column('issues_irc')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('irc_number')
        batch_op.drop_column('irc_date')


def _carry_over():
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE procedures SET certificate_effect = 'issue' WHERE issues_irc"))
    conn.execute(sa.text("UPDATE dossiers SET legal_due_at = due_at WHERE due_at IS NOT NULL"))
    _original_due_dates(conn)
    conn.execute(sa.text("UPDATE dossiers SET awaiting_signer = 'board_leader' WHERE state = 'pending_approval'"))
    conn.execute(sa.text(
        "INSERT INTO certificate_entries (project_id, sequence, kind, number, issued_on, recorded_at) "
        "SELECT id, 1, 'issue', irc_number, irc_date, updated_at FROM projects "
        "WHERE irc_number <> '' AND irc_date IS NOT NULL"))
    rows = conn.execute(sa.text(
        "SELECT id, received_at FROM dossiers WHERE received_at IS NOT NULL ORDER BY received_at, id")).all()
    last: dict[int, int] = {}
    for dossier_id, received_at in rows:
        if isinstance(received_at, str):  # SQLite without type information
            from datetime import datetime

            received_at = datetime.fromisoformat(received_at)
        if received_at.tzinfo is None:
            received_at = received_at.replace(tzinfo=timezone.utc)
        year = received_at.astimezone(LOCAL).year
        last[year] = last.get(year, 0) + 1
        conn.execute(sa.text("UPDATE dossiers SET book_year = :y, book_serial = :n, book_entered_at = received_at "
                             "WHERE id = :id"), {"y": year, "n": last[year], "id": dossier_id})
    for year, serial in last.items():
        conn.execute(sa.text("INSERT INTO sequences (name, period, last) VALUES ('book', :p, :n)"),
                     {"p": str(year), "n": serial})


def _original_due_dates(conn):
    """An apology overwrote due_at; its slip kept the original appointment (local time)."""
    import json
    from datetime import datetime

    rows = conn.execute(sa.text(
        "SELECT s.dossier_id, s.data FROM slips s JOIN dossiers d ON d.id = s.dossier_id "
        "WHERE s.kind = 'apology' AND d.apology_issued_at IS NOT NULL")).all()
    for dossier_id, data in rows:
        data = json.loads(data) if isinstance(data, str) else data
        original = (data or {}).get("original_due") or {}
        try:
            local = datetime.strptime(f"{original['date']} {original['hour']}:{original['minute']}", "%d/%m/%Y %H:%M")
        except (KeyError, ValueError):
            continue
        moment = local.replace(tzinfo=LOCAL).astimezone(timezone.utc)
        if conn.dialect.name == "sqlite":  # stored naive, in UTC, as the UTCDateTime type writes it
            moment = moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        conn.execute(sa.text("UPDATE dossiers SET legal_due_at = :at WHERE id = :id"), {"at": moment, "id": dossier_id})


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('irc_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('irc_number', sa.String(length=60), nullable=False, server_default=''))
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issues_irc', sa.Boolean(), nullable=False, server_default=sa.false()))

    conn = op.get_bind()
    conn.execute(sa.text("UPDATE procedures SET issues_irc = (certificate_effect <> 'none')"))
    conn.execute(sa.text(
        "UPDATE projects SET irc_number = (SELECT number FROM certificate_entries e WHERE e.project_id = projects.id "
        "AND e.kind = 'issue'), irc_date = (SELECT issued_on FROM certificate_entries e "
        "WHERE e.project_id = projects.id AND e.kind = 'issue') "
        "WHERE EXISTS (SELECT 1 FROM certificate_entries e WHERE e.project_id = projects.id AND e.kind = 'issue')"))
    conn.execute(sa.text("DELETE FROM sequences WHERE name = 'book'"))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('position')

    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_column('step_days')
        batch_op.drop_column('processing_supplements')
        batch_op.drop_column('approval_chain')
        batch_op.drop_column('requires_certificate')
        batch_op.drop_column('certificate_effect')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('head_title_en')
        batch_op.drop_column('head_title_vi')
        batch_op.drop_column('head_name')

    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_dossiers_book_entered_at')
        batch_op.drop_column('awaiting_signer')
        batch_op.drop_column('book_entered_at')
        batch_op.drop_column('book_serial')
        batch_op.drop_column('book_year')
        batch_op.drop_column('legal_due_at')

    with op.batch_alter_table('certificate_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_entries_project_id'))

    op.drop_table('certificate_entries')
