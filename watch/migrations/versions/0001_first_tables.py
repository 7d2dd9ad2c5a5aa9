"""The watch's first tables: shops, OAuth states, orders, pull log, outbox (times as naive UTC).

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('watch_shops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('app_key', sa.String(length=100), nullable=False),
    sa.Column('app_secret', sa.LargeBinary(), nullable=False),
    sa.Column('access_token', sa.LargeBinary(), nullable=True),
    sa.Column('refresh_token', sa.LargeBinary(), nullable=True),
    sa.Column('token_expires_at', sa.DateTime(), nullable=True),
    sa.Column('webhook', sa.LargeBinary(), nullable=True),
    sa.Column('robot_kind', sa.String(length=20), nullable=True),
    sa.Column('robot_secret', sa.LargeBinary(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('state_message', sa.Text(), nullable=True),
    sa.Column('paused_until', sa.DateTime(), nullable=True),
    sa.Column('last_pull_at', sa.DateTime(), nullable=True),
    sa.Column('last_ok_at', sa.DateTime(), nullable=True),
    sa.Column('open_orders', sa.Integer(), nullable=True),
    sa.Column('last_digest_on', sa.String(length=10), nullable=True),
    sa.Column('lease_owner', sa.String(length=100), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('watch_oauth_states',
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['watch_shops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('state')
    )
    op.create_table('watch_orders',
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('jos_state', sa.String(length=60), nullable=True),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=True),
    sa.Column('deadline', sa.DateTime(), nullable=True),
    sa.Column('owed', sa.String(length=30), nullable=False),
    sa.Column('lost', sa.String(length=30), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('first_seen', sa.DateTime(), nullable=False),
    sa.Column('last_seen', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('alert_level', sa.String(length=20), nullable=False),
    sa.Column('alerted_owed', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['watch_shops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'order_id')
    )
    with op.batch_alter_table('watch_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watch_orders_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_watch_orders_is_open'), ['is_open'], unique=False)

    op.create_table('watch_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['shop_id'], ['watch_shops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('watch_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watch_outbox_sent_at'), ['sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_watch_outbox_shop_id'), ['shop_id'], unique=False)

    op.create_table('watch_pull_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['shop_id'], ['watch_shops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('watch_pull_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watch_pull_log_shop_id'), ['shop_id'], unique=False)



def downgrade():
    with op.batch_alter_table('watch_pull_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_watch_pull_log_shop_id'))

    op.drop_table('watch_pull_log')
    with op.batch_alter_table('watch_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_watch_outbox_shop_id'))
        batch_op.drop_index(batch_op.f('ix_watch_outbox_sent_at'))

    op.drop_table('watch_outbox')
    with op.batch_alter_table('watch_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_watch_orders_is_open'))
        batch_op.drop_index(batch_op.f('ix_watch_orders_deadline'))

    op.drop_table('watch_orders')
    op.drop_table('watch_oauth_states')
    op.drop_table('watch_shops')
