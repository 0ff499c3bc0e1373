"""Logging set-up: text or JSON lines, secrets redacted, one structured line per handled message."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from bot.messages import Message, Reply

MESSAGE_LOG = "careerbot.messages"
# Fields the per-message line carries; the formatters print them after the text.
FIELDS = ("platform", "intent", "topic", "latency_ms", "outcome", "replies")

# Telegram puts the bot token in every request URL (…/bot123:AA…/sendMessage) and PTB/httpx
# log those URLs; Slack tokens look like xoxb-…/xapp-…. Patterns catch tokens we were not told of.
_TOKEN_PATTERNS = (
    re.compile(r"(?<=bot)\d{3,}:[A-Za-z0-9_-]{20,}"),
    re.compile(r"\b\d{6,}:[A-Za-z0-9_-]{30,}\b"),
    re.compile(r"\bx(?:ox[abpors]|app)-[A-Za-z0-9-]{8,}"),
)
# Libraries that log request URLs at INFO/DEBUG; they only speak up at WARNING.
_CHATTY = ("httpx", "httpcore", "telegram.ext.Updater", "telegram.Bot", "telegram._bot",
           "slack_bolt", "slack_sdk", "aiohttp.access", "uvicorn.access", "asyncio", "hpack",
           "alembic.runtime.plugins",
           # slack_sdk's Web API clients build their debug lines (each request and response in
           # full) whenever their logger has no level of its own, whatever the effective level:
           # about 1.5% of a saturated server's CPU (benchmarks/README.md, "Service").
           "slack_sdk.web.async_base_client", "slack_sdk.web.base_client")


# Our own packages: LOG_LEVEL=DEBUG turns on their debug lines. The libraries' debug lines
# print request bodies, SQL parameters and whole updates, so people's words, names and ids:
# those only with LOG_MESSAGE_TEXT=1.
OWN = ("adapters", "bot", "storage", "careerbot")
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class _Mode:
    """Whether logs may show message text (LOG_MESSAGE_TEXT=1); set by configure_logging."""

    message_text = False


def format_exception(exc_info: ExcInfo) -> str:
    """A traceback: its frames and exception types, with the exceptions' messages only under
    LOG_MESSAGE_TEXT=1, since a message can quote data (a database error its parameters, a
    decode error its bytes), and so what a person wrote."""
    if _Mode.message_text:
        return "".join(traceback.format_exception(*exc_info)).rstrip("\n")
    chain: list[BaseException] = []
    exc: BaseException | None = exc_info[1]
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ if exc.__cause__ is not None or exc.__suppress_context__ \
            else exc.__context__
    parts = []
    for e in reversed(chain):
        kind = type(e)
        frames = "".join(traceback.format_tb(e.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}"
                     f"{kind.__module__}.{kind.__qualname__} (message not logged)")
    return "\n\nwhich led to:\n\n".join(parts)


class Redactor:
    """Replaces known secret values and anything shaped like a platform token."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Short values would redact ordinary words; real tokens are long.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, "[redacted]")
        for pattern in _TOKEN_PATTERNS:
            text = pattern.sub("[redacted]", text)
        return text


class RedactingFilter(logging.Filter):
    """Redacts records in place, for handlers that are not ours (pytest's, a host process's)."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def formatException(self, ei: Any) -> str:
        return format_exception(ei)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = format_exception(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


# Loggers that may see a platform URL with a token in it (Bot API URLs contain the token).
_URL_LOGGERS = ("httpx", "httpcore", "telegram", "slack_sdk", "slack_bolt", "aiohttp", "adapters")


def install_redaction(secrets: Iterable[str]) -> None:
    """Redact these secrets even where logging was not set up by configure_logging: a filter on
    every logger that may log a platform URL, and on the root logger's handlers."""
    filt = RedactingFilter(Redactor(secrets))

    def attach(target: logging.Filterer) -> None:
        if not any(isinstance(f, RedactingFilter) and f.redact.secrets == filt.redact.secrets
                   for f in target.filters):
            target.addFilter(filt)

    # Filters on a logger see only records logged to it by name, not its children's.
    names = [n for n in list(logging.root.manager.loggerDict) if n.split(".")[0] in _URL_LOGGERS]
    for name in dict.fromkeys([*_URL_LOGGERS, *names]):
        attach(logging.getLogger(name))
    for handler in logging.root.handlers:
        attach(handler)


class TextFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        # The pid tells `serve --workers N` processes apart.
        super().__init__("%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s")
        self.redact = redact

    def formatException(self, ei: Any) -> str:
        return format_exception(ei)

    def format(self, record: logging.LogRecord) -> str:
        # Another handler (pytest's, a host's) may have cached its own rendering, with the
        # exception's message: render ours.
        cached, record.exc_text = record.exc_text, None
        try:
            line = super().format(record)
        finally:
            record.exc_text = cached
        extra = " ".join(f"{k}={_v(getattr(record, k))}" for k in FIELDS if hasattr(record, k))
        if extra:
            head, nl, rest = line.partition("\n")
            line = f"{head} {extra}{nl}{rest}"
        return self.redact(line)


class JsonFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def formatException(self, ei: Any) -> str:
        return format_exception(ei)

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "msg": record.getMessage(),
        }
        for k in FIELDS:
            if hasattr(record, k):
                out[k] = getattr(record, k)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return self.redact(json.dumps(out, ensure_ascii=False, default=str))


JsonFormatter.converter = time.gmtime


def _v(value: Any) -> str:
    return "-" if value is None else str(value)


def configure_logging(level: str = "INFO", fmt: str = "text", secrets: Iterable[str] = (),
                      *, message_text: bool = False) -> None:
    """Route everything through one redacting handler on stderr; safe to call more than once.

    DEBUG is our own packages' debug lines; with `message_text` (LOG_MESSAGE_TEXT=1) also the
    libraries' and the messages of exceptions in tracebacks, which can carry people's words.
    """
    _Mode.message_text = message_text
    redact = Redactor(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(redact) if fmt == "json" else TextFormatter(redact))
    handler.set_name("careerbot")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "careerbot"]:
        root.removeHandler(old)
    root.addHandler(handler)
    wanted = logging.getLevelName(level.upper())
    root.setLevel(wanted if message_text else max(wanted, logging.INFO))
    for name in OWN:
        logging.getLogger(name).setLevel(wanted if wanted < root.level else logging.NOTSET)
    quiet = max(logging.WARNING, root.level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(quiet)
    # uvicorn installs its own handlers unless told otherwise; ours already print its records.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True


def outcome_of(replies: list[Reply]) -> str:
    if not replies:
        return "no_reply"  # a duplicate event, or a command meant for another bot
    intents = {r.intent for r in replies}
    if "error" in intents:
        return "error"
    if replies[0].intent == "fallback":
        return "fallback"
    return "answered"


class MessageLog:
    """A Bot hook: one line per handled message, never its text or the person's name."""

    def __init__(self) -> None:
        self.log = logging.getLogger(MESSAGE_LOG)

    def __call__(self, message: Message, replies: list[Reply], elapsed: float) -> None:
        if not self.log.isEnabledFor(logging.INFO):
            return
        first = replies[0] if replies else None
        self.log.info("message handled", extra={
            "platform": message.platform,
            "intent": first.intent if first else None,
            "topic": first.topic if first else None,
            "latency_ms": round(elapsed * 1000, 2),
            "outcome": outcome_of(replies),
            "replies": len(replies),
        })
