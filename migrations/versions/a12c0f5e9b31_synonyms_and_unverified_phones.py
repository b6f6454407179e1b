"""Synonyms of catalogue items (the words the office writes for a field, a role, an offer, a product),
and phones kept unverified (a plausible number the numbering plans do not know).

Revision ID: a12c0f5e9b31
Revises: 8c3d2a6e4b10
Create Date: 2026-12-06 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a12c0f5e9b31'
down_revision = '8c3d2a6e4b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'synonyms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('catalogue', sa.String(length=20), nullable=False),
        sa.Column('item', sa.String(length=60), nullable=False),
        sa.Column('words', sa.String(length=200), nullable=False),
        sa.Column('words_folded', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_synonyms_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_synonyms')),
        sa.UniqueConstraint('catalogue', 'words_folded', name='uq_synonyms_catalogue_words'),
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('verified')
    op.drop_table('synonyms')
