"""Import batches run on the job queue: when a batch was queued, which worker runs it and its last sign
of life (a batch whose worker is gone is failed, nothing written).

Revision ID: 5b1e0c9a7f21
Revises: d2b2c7d1cd20
Create Date: 2026-12-06 13:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e0c9a7f21'
down_revision = 'd2b2c7d1cd20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('worker')
        batch_op.drop_column('queued_at')
