"""The maintainer's session: a signed, HttpOnly, SameSite=Lax cookie carrying a CSRF token."""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeTimedSerializer

log = logging.getLogger(__name__)

COOKIE = "careerbot_admin"
# A working day; then a new link from the bot.
MAX_AGE = 8 * 3600
CSRF_FIELD = "csrf"


@dataclass(frozen=True, kw_only=True, slots=True)
class Session:
    # Every state-changing form sends it back; a page of another site cannot read it.
    csrf: str


class Sessions:
    """Issues and reads session cookies signed with `secret` (itsdangerous, HMAC-SHA1 over
    the value and its time: a cookie cannot be forged or kept past MAX_AGE)."""

    def __init__(self, secret: str, *, max_age: int = MAX_AGE) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="careerbot admin session")
        self.max_age = max_age

    def issue(self) -> tuple[str, Session]:
        session = Session(csrf=secrets.token_urlsafe(32))
        return self._signer.dumps({"csrf": session.csrf}), session

    def read(self, cookie: str | None) -> Session | None:
        if not cookie or len(cookie) > 512:
            return None
        try:
            data = self._signer.loads(cookie, max_age=self.max_age)
        except BadData:
            return None
        csrf = data.get("csrf") if isinstance(data, dict) else None
        return Session(csrf=csrf) if isinstance(csrf, str) and csrf else None


def csrf_ok(session: Session, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf.encode(), (sent or "").encode())


def cookie_options(*, secure: bool) -> dict[str, object]:
    """For Starlette's set_cookie. Lax: a form posted from another site never carries the
    cookie (and every form of ours checks the CSRF token besides), while a link to a page
    from a chat app still opens it signed in."""
    return {"max_age": MAX_AGE, "httponly": True, "samesite": "lax", "secure": secure,
            "path": "/admin"}
