"""Exports of long lists written by the worker: what was asked, by whom, the file's state.

Revision ID: 8c3d2a6e4b10
Revises: 5b1e0c9a7f21
Create Date: 2026-12-06 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c3d2a6e4b10'
down_revision = '5b1e0c9a7f21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'export_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('list_key', sa.String(length=20), nullable=False),
        sa.Column('args', sa.JSON(), nullable=True),
        sa.Column('fmt', sa.String(length=4), nullable=False),
        sa.Column('locale', sa.String(length=2), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=True),
        sa.Column('download_name', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('worker', sa.String(length=120), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('message', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_export_files_user_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_files')),
    )
    with op.batch_alter_table('export_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_files_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_files_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_files_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_files_user_id'))
        batch_op.drop_index(batch_op.f('ix_export_files_status'))
        batch_op.drop_index(batch_op.f('ix_export_files_created_at'))
    op.drop_table('export_files')
