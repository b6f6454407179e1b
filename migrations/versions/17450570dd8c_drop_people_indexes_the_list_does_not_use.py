"""Drop the people indexes the list does not use: a full (name_folded, id) index, which only the bin
could walk, and a lone birth_year index. An import writes every index of people once per person it
adds; the list walks the partial ix_people_active_* indexes, and the bin is small.

Revision ID: 17450570dd8c
Revises: f8f23b30480e
Create Date: 2026-11-23 16:13:50.671643

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '17450570dd8c'
down_revision = 'f8f23b30480e'
branch_labels = None
depends_on = None


def upgrade():
    # Plain index statements, not a batch: on SQLite a batch could copy the table and lose the
    # full-text triggers on it.
    op.drop_index('ix_people_birth_year', table_name='people')
    op.drop_index('ix_people_name_folded_id', table_name='people')


def downgrade():
    op.create_index('ix_people_name_folded_id', 'people', ['name_folded', 'id'], unique=False)
    op.create_index('ix_people_birth_year', 'people', ['birth_year'], unique=False)
