"""Repositories over the SQLAlchemy models, one per bot.ports Protocol, each on a Transaction."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import sqlite

from bot import ratings
from bot.messages import Reply, replies_from_data, replies_to_data
from bot.openings import Opening
from bot.ports import (
    ChatKey,
    ConversationState,
    InboxItem,
    Profile,
    StaleState,
    StoredOpening,
    Subscription,
    UsageCount,
)
from storage import mappers
from storage.models import (
    PERSONAL_TABLES,
    Base,
    Conversation,
    Feedback,
    GapMark,
    InboxRow,
    OpeningRow,
    ProcessedEvent,
    ProfileRow,
    SignInToken,
    SubscriptionRow,
    Unanswered,
    UsageDaily,
    UsagePerson,
    User,
    now,
)
from storage.session import Transaction

# Seconds between two writes of a person's users row (last_seen_at is this precise).
TOUCH_INTERVAL = 60.0
# People remembered as recently seen; past this the memory starts over (costs one write each).
TOUCH_CACHE_SIZE = 100_000
# Keeps IN (...) lists well under the bound-parameter limits of SQLite and asyncpg.
CHUNK = 500


def dialect_insert(dialect: str) -> Callable[..., Any]:
    """The dialect's INSERT, which knows ON CONFLICT (both PostgreSQL and SQLite do)."""
    if dialect == "postgresql":
        # Imported here: a process on SQLite never needs PostgreSQL's dialect (a few hundredths
        # of a second of start-up).
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    return sqlite.insert


class Touches:
    """When each person's users row was last written by this process (see SqlUsers.touch).

    `written` is shared by a Storage's units of work; what one unit of work writes counts
    only once it commits.
    """

    def __init__(self, written: dict[tuple[str, str], float]) -> None:
        self.written = written
        self.pending: dict[tuple[str, str], float] = {}

    def committed(self) -> None:
        if self.pending:
            if len(self.written) > TOUCH_CACHE_SIZE:
                self.written.clear()
            self.written.update(self.pending)
            self.pending.clear()

    def rolled_back(self) -> None:
        self.pending.clear()


class _Repo:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx


class _HotStatements:
    """The statements of every message, built once per dialect with bound parameters.

    Building a statement and computing its cache key costs more than running it on SQLite;
    reusing one object lets SQLAlchemy skip both.
    """

    def __init__(self, dialect: str) -> None:
        ins = dialect_insert(dialect)
        c: Any = Conversation.__table__
        e: Any = ProcessedEvent.__table__
        key = (c.c.platform == bindparam("k_platform"), c.c.chat_id == bindparam("k_chat"),
               c.c.user_id == bindparam("k_user"))
        self.get_conversation = select(c.c.last_topic, c.c.pending, c.c.data,
                                       c.c.version).where(*key)
        self.insert_conversation = ins(c).on_conflict_do_nothing(
            index_elements=["platform", "chat_id", "user_id"]
        )
        self.update_conversation = update(c).where(
            *key, c.c.version == bindparam("k_version")
        )
        self.claim_event = ins(e).on_conflict_do_nothing(index_elements=["platform", "event_id"])
        i: Any = InboxRow.__table__
        inbox_key = (i.c.platform == bindparam("k_platform"),
                     i.c.event_id == bindparam("k_event"))
        self.add_inbox = ins(i).on_conflict_do_nothing(
            index_elements=["platform", "event_id"]).returning(i.c.event_id)
        self.answer_inbox = update(i).where(*inbox_key)
        self.done_inbox = delete(i).where(*inbox_key)
        u: Any = User.__table__
        touch = ins(u)
        self.touch_user = touch.on_conflict_do_update(
            index_elements=["platform", "user_id"],
            set_={"last_seen_at": touch.excluded.last_seen_at,
                  "display_name": func.coalesce(touch.excluded.display_name, u.c.display_name)},
        )
        f: Any = Feedback.__table__
        self.add_feedback = insert(f)
        q: Any = Unanswered.__table__
        record = ins(q)
        self.record_unanswered = record.on_conflict_do_update(
            index_elements=["asker", "text"],
            set_={"count": q.c.count + 1, "last_seen_at": record.excluded.last_seen_at},
        )
        d: Any = UsageDaily.__table__
        count = ins(d)
        self.add_usage = count.on_conflict_do_update(
            index_elements=["day", "platform", "event", "intent", "topic"],
            set_={"count": d.c.count + count.excluded.count},
        )
        self.person_seen = ins(UsagePerson.__table__).on_conflict_do_nothing(
            index_elements=["day", "platform", "person"])


_HOT: dict[str, _HotStatements] = {}


def hot(dialect: str) -> _HotStatements:
    found = _HOT.get(dialect)
    if found is None:
        found = _HOT[dialect] = _HotStatements(dialect)
    return found


class SqlConversations(_Repo):
    async def get(self, key: ChatKey) -> ConversationState:
        row = (await self.tx.run(
            hot(self.tx.dialect).get_conversation,
            {"k_platform": key.platform, "k_chat": key.chat_id, "k_user": key.user_id},
        )).first()
        return mappers.conversation(row)

    async def save(self, key: ChatKey, state: ConversationState) -> ConversationState:
        values = {**mappers.conversation_values(state), "version": state.version + 1,
                  "updated_at": now()}
        statements = hot(self.tx.dialect)
        if state.version == 0:
            # First save: whoever inserts first wins; the loser sees no row inserted.
            result = await self.tx.run(statements.insert_conversation, {
                "platform": key.platform, "chat_id": key.chat_id, "user_id": key.user_id,
                **values,
            })
        else:
            result = await self.tx.run(statements.update_conversation, {
                "k_platform": key.platform, "k_chat": key.chat_id, "k_user": key.user_id,
                "k_version": state.version, **values,
            })
        if result.rowcount != 1:
            raise StaleState(f"conversation {key.platform}/{key.chat_id} moved past "
                             f"version {state.version}")
        return dataclasses.replace(state, version=state.version + 1)


class SqlUsers(_Repo):
    def __init__(self, tx: Transaction, touches: Touches) -> None:
        super().__init__(tx)
        self.touches = touches

    async def touch(self, platform: str, user_id: str, display_name: str | None) -> None:
        # Writing the users row on every message would cost a write per message and, on
        # PostgreSQL, lock the row for the whole message, serialising a person's messages
        # across processes. Once per TOUCH_INTERVAL is enough for "last seen".
        key = (platform, user_id)
        clock = time.monotonic()
        last = self.touches.written.get(key)
        if last is not None and clock - last < TOUCH_INTERVAL:
            return
        self.touches.pending[key] = clock
        stamp = now()
        await self.tx.run(hot(self.tx.dialect).touch_user, {
            "platform": platform, "user_id": user_id, "display_name": display_name,
            "created_at": stamp, "last_seen_at": stamp,
        })

    async def forget(self, platform: str, user_id: str) -> int:
        self.touches.written.pop((platform, user_id), None)
        self.touches.pending.pop((platform, user_id), None)
        removed = 0
        # Children before parents (deliveries reference subscriptions).
        for model in reversed(PERSONAL_TABLES):
            table: Any = model.__table__
            result = await self.tx.execute(
                delete(table).where(table.c.platform == platform, table.c.user_id == user_id)
            )
            removed += result.rowcount
        return removed

    async def describe(self, platform: str, user_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for model in PERSONAL_TABLES:
            table: Any = model.__table__
            rows = (await self.tx.execute(
                select(table).where(table.c.platform == platform, table.c.user_id == user_id)
            )).mappings().all()
            if not rows:
                continue
            shown = [mappers.shown(dict(r)) for r in rows]
            name = _DESCRIBE_NAMES[model]
            out[name] = shown[0] if name in ("user", "profile") else shown
        return out


_DESCRIBE_NAMES: dict[type[Base], str] = {
    model: name for model, name in zip(
        PERSONAL_TABLES,
        ("user", "profile", "conversations", "feedback", "subscriptions", "deliveries"),
        strict=True,
    )
}


class SqlProfiles(_Repo):
    async def get(self, platform: str, user_id: str) -> Profile | None:
        p = ProfileRow
        row = (await self.tx.execute(
            select(p.skills, p.unknown_skills, p.level, p.remote, p.locations, p.years,
                   p.remote_from).where(
                p.platform == platform, p.user_id == user_id
            )
        )).first()
        return mappers.profile(row) if row is not None else None

    async def save(self, platform: str, user_id: str, profile: Profile) -> None:
        values = {**mappers.profile_values(profile), "updated_at": now()}
        stmt: Any = dialect_insert(self.tx.dialect)(ProfileRow).values(
            platform=platform, user_id=user_id, **values
        )
        stmt = stmt.on_conflict_do_update(index_elements=["platform", "user_id"], set_=values)
        await self.tx.execute(stmt)


class SqlFeedback(_Repo):
    async def add(self, platform: str, user_id: str, topic: str, helpful: bool, *,
                  question: str | None = None) -> None:
        await self.tx.run(hot(self.tx.dialect).add_feedback, {
            "platform": platform, "user_id": user_id, "topic": topic, "helpful": helpful,
            "created_at": now(), "question": None if helpful or not question else question[:255],
        })

    async def least_helpful(self, limit: int) -> list[tuple[str, int, int]]:
        f = Feedback
        yes = func.sum(case((f.helpful.is_(True), 1), else_=0))
        no = func.sum(case((f.helpful.is_(True), 0), else_=1))
        # A tally per rated topic (a few hundred rows at most); the ranking is the core's.
        rows = (await self.tx.execute(
            select(f.topic, yes.label("yes"), no.label("no")).group_by(f.topic).having(no > 0)
        )).all()
        return ratings.least_helpful(((r.topic, int(r.yes), int(r.no)) for r in rows), limit)

    async def negative_questions(self, topics: Sequence[str],
                                 per_topic: int) -> dict[str, list[tuple[str, datetime]]]:
        f = Feedback
        newest = func.row_number().over(partition_by=f.topic,
                                         order_by=(f.created_at.desc(), f.id.desc())).label("n")
        ranked = (select(f.topic, f.question, f.created_at, newest)
                  .where(f.topic.in_(list(topics)), f.question.is_not(None)).subquery())
        rows = (await self.tx.execute(
            select(ranked.c.topic, ranked.c.question, ranked.c.created_at)
            .where(ranked.c.n <= per_topic).order_by(ranked.c.topic, ranked.c.n)
        )).all()
        out: dict[str, list[tuple[str, datetime]]] = {}
        for r in rows:
            out.setdefault(r.topic, []).append((r.question, r.created_at))
        return out

    async def clear_questions(self, before: datetime) -> int:
        result = await self.tx.execute(
            update(Feedback).where(Feedback.question.is_not(None), Feedback.created_at < before)
            .values(question=None))
        return result.rowcount


class SqlUnanswered(_Repo):
    async def record(self, text: str, asker: str) -> None:
        stamp = now()
        await self.tx.run(hot(self.tx.dialect).record_unanswered, {
            "asker": asker, "text": text[:255], "count": 1, "first_seen_at": stamp,
            "last_seen_at": stamp,
        })

    async def top(self, limit: int) -> list[tuple[str, int]]:
        u = Unanswered
        n = func.sum(u.count)
        rows = (await self.tx.execute(
            select(u.text, n.label("n")).group_by(u.text)
            .order_by(n.desc(), func.max(u.last_seen_at).desc(), u.text).limit(limit)
        )).all()
        return [(r.text, int(r.n)) for r in rows]

    async def of(self, asker: str) -> list[dict[str, Any]]:
        u = Unanswered
        rows = (await self.tx.execute(
            select(u.text, u.count, u.first_seen_at, u.last_seen_at)
            .where(u.asker == asker).order_by(u.first_seen_at, u.id)
        )).all()
        return [{"text": r.text, "count": r.count, "first_asked_at": r.first_seen_at,
                 "last_asked_at": r.last_seen_at} for r in rows]

    async def forget(self, asker: str) -> int:
        result = await self.tx.execute(delete(Unanswered).where(Unanswered.asker == asker))
        return result.rowcount

    async def purge(self, before: datetime) -> int:
        result = await self.tx.execute(
            delete(Unanswered).where(Unanswered.last_seen_at < before))
        return result.rowcount


    async def summary(self, limit: int) -> list[tuple[str, int, datetime]]:
        u = Unanswered
        n = func.sum(u.count)
        last = func.max(u.last_seen_at)
        rows = (await self.tx.execute(
            select(u.text, n.label("n"), last.label("last")).group_by(u.text)
            .order_by(n.desc(), last.desc(), u.text).limit(limit)
        )).all()
        return [(r.text, int(r.n), r.last) for r in rows]


class SqlUsage(_Repo):
    async def add(self, counts: Sequence[UsageCount]) -> None:
        rows = [{"day": c.day, "platform": c.platform, "event": c.event, "intent": c.intent,
                 "topic": c.topic, "count": c.count} for c in counts]
        if rows:
            # One row (each message's case) as one statement: executemany costs more.
            await self.tx.run(hot(self.tx.dialect).add_usage,
                                  rows[0] if len(rows) == 1 else rows)

    async def seen(self, day: date, platform: str, person: str) -> None:
        await self.tx.run(hot(self.tx.dialect).person_seen,
                              {"day": day, "platform": platform, "person": person})

    async def roll_up(self, before: date) -> int:
        p = UsagePerson
        rows = (await self.tx.execute(
            select(p.day, p.platform, func.count().label("n")).where(p.day < before)
            .group_by(p.day, p.platform))).all()
        if not rows:
            return 0
        await self.add([UsageCount(day=r.day, platform=r.platform, event="people",
                                   count=int(r.n)) for r in rows])
        await self.tx.execute(delete(p).where(p.day < before))
        return len({r.day for r in rows})

    async def held_days(self) -> list[date]:
        p = UsagePerson
        return [r.day for r in (await self.tx.execute(
            select(p.day).distinct().order_by(p.day))).all()]

    async def forget(self, people: Sequence[str]) -> int:
        if not people:
            return 0
        result = await self.tx.execute(delete(UsagePerson).where(UsagePerson.person.in_(people)))
        return result.rowcount

    async def since(self, day: date) -> list[UsageCount]:
        d, p = UsageDaily, UsagePerson
        rows = (await self.tx.execute(
            select(d.day, d.platform, d.event, d.intent, d.topic, d.count.label("n"))
            .where(d.day >= day))).all()
        out = [UsageCount(day=r.day, platform=r.platform, event=r.event, intent=r.intent,
                          topic=r.topic, count=int(r.n)) for r in rows]
        held = (await self.tx.execute(
            select(p.day, p.platform, func.count().label("n")).where(p.day >= day)
            .group_by(p.day, p.platform))).all()
        out += [UsageCount(day=r.day, platform=r.platform, event="people", count=int(r.n))
                for r in held]
        return out


class SqlSignIns(_Repo):
    async def add(self, digest: str, expires_at: datetime) -> None:
        await self.tx.execute(insert(SignInToken).values(digest=digest, expires_at=expires_at))

    async def consume(self, digest: str, now: datetime) -> bool:
        t = SignInToken
        # One DELETE decides: of two processes presenting the same token, only one deletes
        # the row (PostgreSQL locks it; the other sees 0 rows once the first commits).
        result = await self.tx.execute(delete(t).where(t.digest == digest, t.expires_at > now))
        await self.tx.execute(delete(t).where(t.expires_at <= now))
        return bool(result.rowcount == 1)


class SqlGapMarks(_Repo):
    async def mark(self, texts: Sequence[str], at: datetime) -> None:
        if not texts:
            return
        ins = dialect_insert(self.tx.dialect)(GapMark)
        await self.tx.execute(ins.on_conflict_do_update(
            index_elements=["text"], set_={"handled_at": ins.excluded.handled_at}),
            [{"text": t[:255], "handled_at": at} for t in dict.fromkeys(texts)])

    async def marks(self) -> dict[str, datetime]:
        rows = (await self.tx.execute(select(GapMark.text, GapMark.handled_at))).all()
        return {r.text: r.handled_at for r in rows}


class SqlEvents(_Repo):
    async def claim(self, platform: str, event_id: str) -> bool:
        # ON CONFLICT DO NOTHING is atomic on both dialects: of two processes inserting the
        # same id, exactly one sees a row inserted (PostgreSQL makes the second wait).
        result = await self.tx.run(hot(self.tx.dialect).claim_event, {
            "platform": platform, "event_id": event_id[:255], "seen_at": now()
        })
        return result.rowcount == 1

    async def prune(self, before: datetime) -> int:
        """Forget event ids older than any platform re-delivers (Slack retries within minutes)."""
        result = await self.tx.execute(
            delete(ProcessedEvent).where(ProcessedEvent.seen_at < before)
        )
        return result.rowcount


class SqlInbox(_Repo):
    async def add(self, platform: str, updates: Sequence[tuple[str, str]], *, owner: str,
                  lease_until: datetime) -> set[str]:
        if not updates:
            return set()
        at = now()
        # One INSERT … ON CONFLICT DO NOTHING RETURNING for the lot (SQLAlchemy's
        # "insertmanyvalues"): only the rows inserted come back.
        result = await self.tx.run(hot(self.tx.dialect).add_inbox, [
            {"platform": platform, "event_id": event_id[:255], "payload": payload,
             "owner": owner, "lease_until": lease_until, "attempts": 1, "received_at": at}
            for event_id, payload in updates])
        return set(result.scalars())

    async def answered(self, platform: str, event_id: str, replies: Sequence[Reply]) -> None:
        await self.tx.run(hot(self.tx.dialect).answer_inbox, {
            "k_platform": platform, "k_event": event_id[:255],
            "replies": replies_to_data(replies)})

    async def done(self, platform: str, event_ids: Sequence[str]) -> None:
        if event_ids:
            # One prepared DELETE for each (a loop in sqlite3, one round trip with asyncpg's
            # executemany) rather than an IN list compiled for each length.
            await self.tx.run(hot(self.tx.dialect).done_inbox,
                              [{"k_platform": platform, "k_event": e[:255]} for e in event_ids])

    async def release(self, platform: str, event_id: str, *, retry_at: datetime) -> None:
        await self.tx.execute(update(InboxRow).where(
            InboxRow.platform == platform, InboxRow.event_id == event_id[:255],
        ).values(owner=None, lease_until=retry_at))

    async def renew(self, owner: str, lease_until: datetime) -> int:
        result = await self.tx.execute(
            update(InboxRow).where(InboxRow.owner == owner).values(lease_until=lease_until))
        return result.rowcount

    async def take(self, platform: str, owner: str, *, now: datetime, lease_until: datetime,
                   limit: int) -> list[InboxItem]:
        i: Any = InboxRow.__table__
        # PostgreSQL: rows another process is taking right now are skipped, not waited for,
        # and re-checked once locked, so each is taken once. SQLite renders no FOR UPDATE:
        # its one writer at a time makes the UPDATE atomic anyway.
        due = (select(i.c.platform, i.c.event_id)
               .where(i.c.platform == platform, i.c.lease_until < now)
               .order_by(i.c.received_at, i.c.event_id).limit(limit)
               .with_for_update(skip_locked=True))
        rows = list((await self.tx.execute(
            update(i).where(tuple_(i.c.platform, i.c.event_id).in_(due))
            .values(owner=owner, lease_until=lease_until, attempts=i.c.attempts + 1)
            .returning(i.c.platform, i.c.event_id, i.c.payload, i.c.attempts, i.c.replies,
                       i.c.received_at)
        )).all())
        # RETURNING gives no order.
        rows.sort(key=lambda r: (r.received_at, r.event_id))
        return [InboxItem(platform=r.platform, event_id=r.event_id, payload=r.payload,
                          attempts=r.attempts,
                          replies=None if r.replies is None
                          else tuple(replies_from_data(r.replies)))
                for r in rows]

    async def count(self) -> int:
        return int((await self.tx.execute(select(func.count()).select_from(InboxRow))).scalar()
                   or 0)


class SqlOpenings(_Repo):
    async def list_open(self, *, descriptions: bool = True) -> list[Opening]:
        t: Any = OpeningRow.__table__
        # Descriptions are most of a row's size and ranking never reads them.
        columns = [c for c in t.c if descriptions or c.name != "description"]
        rows = (await self.tx.execute(
            select(*columns).where(t.c.is_open.is_(True)).order_by(t.c.id)
        )).all()
        return [mappers.opening(r) for r in rows]

    async def get(self, source: str, external_id: str) -> Opening | None:
        t: Any = OpeningRow.__table__
        row = (await self.tx.execute(
            select(t).where(t.c.source == source, t.c.external_id == external_id)
        )).first()
        return mappers.opening(row) if row is not None else None

    async def list_open_stored(self) -> list[StoredOpening]:
        """Open openings with their ids and first sighting (what alerts need)."""
        t: Any = OpeningRow.__table__
        rows = (await self.tx.execute(
            select(t).where(t.c.is_open.is_(True)).order_by(t.c.id)
        )).all()
        return [mappers.stored_opening(r) for r in rows]

    async def by_source(self) -> list[tuple[str, int, int]]:
        o = OpeningRow
        opened = func.sum(case((o.is_open.is_(True), 1), else_=0))
        rows = (await self.tx.execute(
            select(o.source, opened.label("open"), func.count().label("n"))
            .group_by(o.source).order_by(o.source))).all()
        return [(r.source, int(r.open), int(r.n) - int(r.open)) for r in rows]

    async def count(self, *, open_only: bool = True) -> int:
        stmt = select(func.count()).select_from(OpeningRow)
        if open_only:
            stmt = stmt.where(OpeningRow.is_open.is_(True))
        return int((await self.tx.execute(stmt)).scalar_one())

    async def version(self) -> tuple[Any, ...]:
        """Changes whenever an import or a close touches openings; one small aggregate query."""
        o = OpeningRow
        row = (await self.tx.execute(select(
            func.count(o.id), func.sum(case((o.is_open.is_(True), 1), else_=0)),
            func.max(o.id), func.max(o.last_seen_at),
        ))).one()
        return tuple(row)

    async def upsert_many(self, openings: Iterable[Opening]) -> tuple[int, int]:
        """Insert new openings, update changed ones; returns (inserted, updated)."""
        batch = {(o.source, o.external_id): o for o in openings}  # last one wins
        if not batch:
            return 0, 0
        t: Any = OpeningRow.__table__
        existing: dict[tuple[str, str], Any] = {}
        keys = list(batch)
        for i in range(0, len(keys), CHUNK):
            rows = (await self.tx.execute(
                select(t).where(tuple_(t.c.source, t.c.external_id).in_(keys[i:i + CHUNK]))
            )).all()
            existing.update({(r.source, r.external_id): r for r in rows})
        stamp = now()
        new = [{"source": k[0], "external_id": k[1], **mappers.opening_values(v),
                "first_seen_at": stamp, "last_seen_at": stamp}
               for k, v in batch.items() if k not in existing]
        if new:
            # One executemany; SQLAlchemy batches it into multi-row INSERTs on both dialects.
            await self.tx.execute(insert(t), new)
        changed: list[dict[str, Any]] = []
        seen: list[int] = []
        for key, row in existing.items():
            values = mappers.opening_values(batch[key])
            if any(getattr(row, f) != values[f] for f in mappers.OPENING_FIELDS):
                changed.append({"row_id": row.id, **values, "last_seen_at": stamp})
            else:
                seen.append(row.id)
        if changed:
            await self.tx.execute(
                update(t).where(t.c.id == bindparam("row_id")).values(
                    {f: bindparam(f) for f in (*mappers.OPENING_FIELDS, "last_seen_at")}
                ),
                changed,
            )
        for i in range(0, len(seen), CHUNK):
            await self.tx.execute(
                update(t).where(t.c.id.in_(seen[i:i + CHUNK])).values(last_seen_at=stamp)
            )
        return len(new), len(changed)

    async def close_missing(self, source: str, keep_external_ids: Iterable[str]) -> int:
        """Mark open openings of `source` that are not in `keep_external_ids` closed."""
        keep = set(keep_external_ids)
        o = OpeningRow
        open_ids = (await self.tx.execute(
            select(o.id, o.external_id).where(o.source == source, o.is_open.is_(True))
        )).all()
        gone = [r.id for r in open_ids if r.external_id not in keep]
        for i in range(0, len(gone), CHUNK):
            await self.tx.execute(
                update(o).where(o.id.in_(gone[i:i + CHUNK])).values(is_open=False)
            )
        return len(gone)


class SqlSubscriptions(_Repo):
    async def get(self, platform: str, chat_id: str, user_id: str) -> Subscription | None:
        s: Any = SubscriptionRow.__table__
        row = (await self.tx.execute(select(s).where(
            s.c.platform == platform, s.c.chat_id == chat_id, s.c.user_id == user_id
        ))).first()
        return mappers.subscription(row) if row is not None else None

    async def save(self, subscription: Subscription) -> None:
        sub = subscription
        values = mappers.subscription_values(sub)
        stmt: Any = dialect_insert(self.tx.dialect)(SubscriptionRow).values(
            platform=sub.platform, chat_id=sub.chat_id, user_id=sub.user_id,
            created_at=sub.created_at or now(), **values,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "chat_id", "user_id"], set_=values
        )
        await self.tx.execute(stmt)

    async def delete(self, platform: str, chat_id: str, user_id: str) -> bool:
        s = SubscriptionRow
        result = await self.tx.execute(delete(s).where(
            s.platform == platform, s.chat_id == chat_id, s.user_id == user_id
        ))
        return result.rowcount > 0

    async def list_all(self) -> list[Subscription]:
        s: Any = SubscriptionRow.__table__
        rows = (await self.tx.execute(select(s).order_by(s.c.id))).all()
        return [mappers.subscription(r) for r in rows]


__all__ = [
    "SqlConversations", "SqlEvents", "SqlFeedback", "SqlOpenings", "SqlProfiles",
    "SqlSubscriptions", "SqlUnanswered", "SqlUsers", "Touches",
]
