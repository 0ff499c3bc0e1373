"""How our Bot API calls go out, for the app and the alert notifier alike: transport, rate limit."""

from __future__ import annotations

from typing import Any

from telegram.ext import AIORateLimiter, ApplicationBuilder, ExtBot
from telegram.request import BaseRequest

from adapters.channels.telegram.transport import AiohttpRequest
from adapters.observability.logs import install_redaction

# RetryAfter (Telegram's 429) is waited out and retried this many times before a send fails.
MAX_RETRIES = 3


def request() -> BaseRequest:
    return AiohttpRequest()


def rate_limiter() -> AIORateLimiter:
    """Telegram's flood limits, kept by PTB: 30 messages a second per bot, 20 a minute per
    group, and a RetryAfter waited out as told."""
    return AIORateLimiter(max_retries=MAX_RETRIES)


def application_builder(token: str, base_url: str) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    # Before the Bot exists: it logs its URL, token included, at DEBUG when it is created.
    install_redaction([token])
    # PTB appends the token to base_url ("…/bot" + token) unless it contains "{token}".
    return (ApplicationBuilder().token(token).base_url(base_url)
            .request(request()).rate_limiter(rate_limiter()))


def ext_bot(token: str, base_url: str) -> ExtBot[int]:
    """A Bot API client without an Application (the alert notifier)."""
    install_redaction([token])
    return ExtBot(token=token, base_url=base_url, request=request(),
                  rate_limiter=rate_limiter())
