"""One-time sign-in links: a random token in the link, only its SHA-256 in the database."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from bot.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)

# Long enough to open a chat message on another device; short enough that a link found later
# (a forwarded message, a screenshot) is useless.
TOKEN_TTL = timedelta(minutes=10)
LOGIN_PATH = "/admin/login"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignInLinks:
    """Implements bot.ports.AdminLinks: each link is stored (as a digest) before it is given."""

    def __init__(self, uow_factory: UnitOfWorkFactory, public_url: str, *,
                 ttl: timedelta = TOKEN_TTL) -> None:
        self.uow_factory = uow_factory
        self.public_url = public_url.rstrip("/")
        self.ttl = ttl

    async def link(self, who: str) -> str:
        token = secrets.token_urlsafe(32)
        async with self.uow_factory() as uow:
            await uow.sign_ins.add(digest(token), datetime.now(UTC) + self.ttl)
            await uow.commit()
        log.info("sign-in link issued for %s, valid %d minutes", who, self.ttl.seconds // 60)
        return f"{self.public_url}{LOGIN_PATH}?token={token}"


async def redeem(uow_factory: UnitOfWorkFactory, token: str) -> bool:
    """True once for a valid token (committed before it returns), False for any other."""
    if not token or len(token) > 128:
        return False
    async with uow_factory() as uow:
        ok = await uow.sign_ins.consume(digest(token), datetime.now(UTC))
        await uow.commit()
    return ok
