"""One-time sign-in links: a random token in the link, only its SHA-256 in the database."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from bot.ports import SignInLink, UnitOfWorkFactory

log = logging.getLogger(__name__)

# Long enough to open a chat message on another device; short enough that a link found later
# (a forwarded message, a screenshot) is useless.
TOKEN_TTL = timedelta(minutes=10)
LOGIN_PATH = "/admin/login"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignInLinks:
    """Implements bot.ports.AdminLinks: a random token in the link, its digest to store."""

    def __init__(self, public_url: str, *, ttl: timedelta = TOKEN_TTL) -> None:
        self.public_url = public_url.rstrip("/")
        self.ttl = ttl

    def new(self, who: str) -> SignInLink:
        token = secrets.token_urlsafe(32)
        log.info("sign-in link made for %s, valid %d minutes", who, self.ttl.seconds // 60)
        return SignInLink(url=f"{self.public_url}{LOGIN_PATH}?token={token}",
                          digest=digest(token), expires_at=datetime.now(UTC) + self.ttl)


async def issue(uow_factory: UnitOfWorkFactory, links: SignInLinks, who: str) -> str:
    """A link stored in a transaction of its own (`careerbot admin link`, tests)."""
    link = links.new(who)
    async with uow_factory() as uow:
        await uow.sign_ins.add(link.digest, link.expires_at)
        await uow.commit()
    return link.url


async def redeem(uow_factory: UnitOfWorkFactory, token: str) -> bool:
    """True once for a valid token (committed before it returns), False for any other."""
    if not token or len(token) > 128:
        return False
    async with uow_factory() as uow:
        ok = await uow.sign_ins.consume(digest(token), datetime.now(UTC))
        await uow.commit()
    return ok
