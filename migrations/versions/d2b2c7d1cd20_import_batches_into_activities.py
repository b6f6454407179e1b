"""Import batches: an attendance list's activity and the links it added (removed on undo), and when a
batch began writing (one still "running" long after was cut off).

Revision ID: d2b2c7d1cd20
Revises: 17450570dd8c
Create Date: 2026-11-23 16:21:01.716474

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2b2c7d1cd20'
down_revision = '17450570dd8c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('activity_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_link_ids', sa.JSON(none_as_null=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_import_batches_activity_id_activities'), 'activities', ['activity_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_batches_activity_id_activities'), type_='foreignkey')
        batch_op.drop_column('created_link_ids')
        batch_op.drop_column('activity_id')
        batch_op.drop_column('started_at')
