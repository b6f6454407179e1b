"""Import batches can add an attendance list's people to an activity (and remove them on undo).

Revision ID: 4fc35eab1d57
Revises: f8f23b30480e
Create Date: 2026-11-23 16:08:14.927946

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4fc35eab1d57'
down_revision = 'f8f23b30480e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activity_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_link_ids', sa.JSON(none_as_null=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_import_batches_activity_id_activities'), 'activities', ['activity_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_batches_activity_id_activities'), type_='foreignkey')
        batch_op.drop_column('created_link_ids')
        batch_op.drop_column('activity_id')
