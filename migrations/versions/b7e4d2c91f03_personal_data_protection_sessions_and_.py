"""Personal data protection, sessions and two-factor login, version checks on reference data, annual reports.

Reads of personal data linked to the people they showed (audit_event_people); consent, purpose,
restriction and erase on people; a per-user session token, TOTP and recovery codes; a version column
on products, fields, community roles and users; the annual reports the worker writes.

Revision ID: b7e4d2c91f03
Revises: a12c0f5e9b31
Create Date: 2026-12-06 16:27:06.668732

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e4d2c91f03'
down_revision = 'a12c0f5e9b31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('annual_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('document_file', sa.String(length=255), nullable=True),
    sa.Column('annex_file', sa.String(length=255), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('worker', sa.String(length=120), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_annual_reports_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_reports'))
    )
    with op.batch_alter_table('annual_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_reports_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_reports_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_reports_year'), ['year'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('audit_event_people',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['audit_events.id'], name=op.f('fk_audit_event_people_event_id_audit_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'person_id', name=op.f('pk_audit_event_people'))
    )
    with op.batch_alter_table('audit_event_people', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_people_person', ['person_id', 'event_id'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('people_count', sa.Integer(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_audit_events_user_id'))
        batch_op.create_index('ix_audit_events_action_at', ['action', 'at'], unique=False)
        batch_op.create_index('ix_audit_events_user_action_at', ['user_id', 'action', 'at'], unique=False)

    _add_version('community_roles')

    with op.batch_alter_table('export_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_export_files_event_id_audit_events'), 'audit_events', ['event_id'], ['id'], ondelete='SET NULL')

    _add_version('fields')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_source', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('consent_legal_basis', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('processing_purpose', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('consent_text_version', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('restricted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('restriction_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))

    _add_version('products')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    # Every existing account gets a session token of its own (their current sessions end: they sign in again).
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id).values(session_token=secrets.token_urlsafe(32)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('version', existing_type=sa.Integer(), server_default=None)


def _add_version(table: str) -> None:
    """A version counter for optimistic locking: existing rows start at 1."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column('version', existing_type=sa.Integer(), server_default=None)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('session_token')

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('restriction_reason')
        batch_op.drop_column('restricted_at')
        batch_op.drop_column('consent_text_version')
        batch_op.drop_column('processing_purpose')
        batch_op.drop_column('consent_legal_basis')
        batch_op.drop_column('consent_source')

    with op.batch_alter_table('fields', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('export_files', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_export_files_event_id_audit_events'), type_='foreignkey')
        batch_op.drop_column('event_id')

    with op.batch_alter_table('community_roles', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_user_action_at')
        batch_op.drop_index('ix_audit_events_action_at')
        batch_op.create_index(batch_op.f('ix_audit_events_user_id'), ['user_id'], unique=False)
        batch_op.drop_column('people_count')

    with op.batch_alter_table('audit_event_people', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_people_person')

    op.drop_table('audit_event_people')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))

    op.drop_table('recovery_codes')
    with op.batch_alter_table('annual_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_reports_year'))
        batch_op.drop_index(batch_op.f('ix_annual_reports_user_id'))
        batch_op.drop_index(batch_op.f('ix_annual_reports_status'))

    op.drop_table('annual_reports')
