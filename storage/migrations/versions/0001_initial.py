"""initial schema: people, conversations, feedback, events, openings, subscriptions

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

# ruff: noqa: E501  (generated table definitions read better unwrapped)
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# 64-bit ids on PostgreSQL; SQLite's INTEGER PRIMARY KEY is already 64-bit and autoincrements.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conversations',
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('chat_id', sa.String(length=128), nullable=False),
    sa.Column('user_id', sa.String(length=128), nullable=False),
    sa.Column('last_topic', sa.String(length=128), nullable=True),
    sa.Column('pending', sa.String(length=32), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'chat_id', 'user_id', name=op.f('pk_conversations'))
    )
    op.create_index('ix_conversations_platform_user_id', 'conversations', ['platform', 'user_id'])

    op.create_table('feedback',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=128), nullable=False),
    sa.Column('topic', sa.String(length=128), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    op.create_index('ix_feedback_platform_user_id', 'feedback', ['platform', 'user_id'])
    op.create_index(op.f('ix_feedback_topic'), 'feedback', ['topic'])

    op.create_table('openings',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('company', sa.String(length=255), nullable=False),
    sa.Column('location', sa.String(length=255), nullable=False),
    sa.Column('remote', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_openings')),
    sa.UniqueConstraint('source', 'external_id', name=op.f('uq_openings_source_external_id'))
    )
    op.create_index(op.f('ix_openings_is_open'), 'openings', ['is_open'])

    op.create_table('processed_events',
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'event_id', name=op.f('pk_processed_events'))
    )
    op.create_index(op.f('ix_processed_events_seen_at'), 'processed_events', ['seen_at'])

    op.create_table('profiles',
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=128), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('unknown_skills', sa.JSON(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('remote', sa.String(length=16), nullable=False),
    sa.Column('location', sa.String(length=255), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'user_id', name=op.f('pk_profiles'))
    )
    op.create_table('subscriptions',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('chat_id', sa.String(length=128), nullable=False),
    sa.Column('user_id', sa.String(length=128), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('is_channel', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions')),
    sa.UniqueConstraint('platform', 'chat_id', 'user_id', name=op.f('uq_subscriptions_platform_chat_id_user_id'))
    )
    op.create_index('ix_subscriptions_platform_user_id', 'subscriptions', ['platform', 'user_id'])

    op.create_table('unanswered_questions',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('text', sa.String(length=255), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unanswered_questions')),
    sa.UniqueConstraint('text', name=op.f('uq_unanswered_questions_text'))
    )
    op.create_index(op.f('ix_unanswered_questions_last_seen_at'), 'unanswered_questions', ['last_seen_at'])

    op.create_table('users',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=128), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('platform', 'user_id', name=op.f('uq_users_platform_user_id'))
    )
    op.create_table('deliveries',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('subscription_id', BIG_ID, nullable=True),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('chat_id', sa.String(length=128), nullable=False),
    sa.Column('user_id', sa.String(length=128), nullable=False),
    sa.Column('opening_id', BIG_ID, nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['opening_id'], ['openings.id'], name=op.f('fk_deliveries_opening_id_openings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_deliveries_subscription_id_subscriptions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('platform', 'chat_id', 'user_id', 'opening_id', name=op.f('uq_deliveries_platform_chat_id_user_id_opening_id'))
    )
    op.create_index(op.f('ix_deliveries_opening_id'), 'deliveries', ['opening_id'])
    op.create_index('ix_deliveries_platform_user_id', 'deliveries', ['platform', 'user_id'])
    op.create_index(op.f('ix_deliveries_subscription_id'), 'deliveries', ['subscription_id'])



def downgrade() -> None:
    op.drop_index(op.f('ix_deliveries_subscription_id'), table_name='deliveries')
    op.drop_index('ix_deliveries_platform_user_id', table_name='deliveries')
    op.drop_index(op.f('ix_deliveries_opening_id'), table_name='deliveries')

    op.drop_table('deliveries')
    op.drop_table('users')
    op.drop_index(op.f('ix_unanswered_questions_last_seen_at'), table_name='unanswered_questions')

    op.drop_table('unanswered_questions')
    op.drop_index('ix_subscriptions_platform_user_id', table_name='subscriptions')

    op.drop_table('subscriptions')
    op.drop_table('profiles')
    op.drop_index(op.f('ix_processed_events_seen_at'), table_name='processed_events')

    op.drop_table('processed_events')
    op.drop_index(op.f('ix_openings_is_open'), table_name='openings')

    op.drop_table('openings')
    op.drop_index(op.f('ix_feedback_topic'), table_name='feedback')
    op.drop_index('ix_feedback_platform_user_id', table_name='feedback')

    op.drop_table('feedback')
    op.drop_index('ix_conversations_platform_user_id', table_name='conversations')

    op.drop_table('conversations')
