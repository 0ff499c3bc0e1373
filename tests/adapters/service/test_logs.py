"""Log lines: one structured line per message without its text; tokens never reach the output."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from adapters.bootstrap import Runtime
from adapters.channels.slack.transport import web_client
from adapters.observability.logs import Redactor, configure_logging
from bot.messages import Message
from tests.factories import message

TOKEN = "123456789:AAHsecretPartOfTheTelegramTokenXYZ12"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    configure_logging("WARNING")  # message text off, our packages' levels back to the root's
    for h in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(h)
    root.setLevel(level)


def test_redactor_hides_known_secrets_and_token_shaped_strings() -> None:
    redact = Redactor(["signing-secret-value-1234"])
    line = (f"POST https://api.telegram.org/bot{TOKEN}/sendMessage "
            "xoxb-1111-2222-abcdefgh xapp-1-A111-222-abcdef signing-secret-value-1234")
    out = redact(line)
    assert TOKEN not in out
    assert "AAHsecret" not in out
    assert "xoxb-1111" not in out and "xapp-1-A111" not in out
    assert "signing-secret-value-1234" not in out
    assert out.startswith("POST https://api.telegram.org/bot[redacted]/sendMessage")


async def test_http_client_logs_cannot_leak_the_telegram_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("DEBUG", "text", [TOKEN])
    # httpx logs every request URL (the token is in Telegram's URLs); make it speak loudly.
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
    async with httpx.AsyncClient(transport=transport) as client:
        await client.post(f"https://api.telegram.org/bot{TOKEN}/getMe")
    logging.getLogger("telegram.ext.Application").error(
        "failed https://api.telegram.org/bot%s/getUpdates", TOKEN, exc_info=ValueError(TOKEN))
    err = capsys.readouterr().err
    assert "HTTP Request: POST https://api.telegram.org/bot[redacted]/getMe" in err
    assert "getUpdates" in err
    assert "AAHsecret" not in err


def test_chatty_libraries_are_quiet_at_info(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "text")
    logging.getLogger("httpx").info("HTTP Request: POST https://example.org/")
    assert "HTTP Request" not in capsys.readouterr().err


def test_the_slack_client_builds_no_debug_lines_at_info() -> None:
    configure_logging("INFO", "text")
    # slack_sdk reads its logger's own level, not the effective one, before building them.
    client = web_client("xoxb-1111-2222-abcdefgh")
    assert client.logger.level > logging.DEBUG


@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_one_line_per_handled_message_without_its_text(
    memory_runtime: Runtime, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    configure_logging("INFO", fmt)
    await memory_runtime.bot.handle(
        Message(platform="slack", user_id="U42", chat_id="D42", text="what is docker",
                display_name="Jane Doe"))
    await memory_runtime.bot.handle(
        message("how do I bake sourdough bread", user="U42", platform="slack"))
    lines = [ln for ln in capsys.readouterr().err.splitlines() if "message handled" in ln]
    assert len(lines) == 2
    for line in lines:
        assert "what is" not in line and "Jane" not in line and "sourdough" not in line
        assert "U42" not in line
    if fmt == "json":
        first, second = (json.loads(ln) for ln in lines)
        assert first["platform"] == "slack"
        assert (first["intent"], first["topic"], first["outcome"]) == ("topic", "docker",
                                                                       "answered")
        assert isinstance(first["latency_ms"], float)
        assert (second["intent"], second["outcome"]) == ("fallback", "fallback")
    else:
        assert "platform=slack intent=topic topic=docker latency_ms=" in lines[0]
        assert lines[0].endswith("outcome=answered replies=1")
        assert "intent=fallback topic=- " in lines[1]


WORDS = "Zoë's résumé, call me on +44 7700 900123"


def _fails_on(text: str) -> None:
    try:
        text.encode("ascii")
    except UnicodeEncodeError as exc:
        raise RuntimeError(f"could not store {text!r}") from exc


@pytest.mark.parametrize(("fmt", "message_text"), [("text", False), ("json", False),
                                                   ("text", True)])
def test_tracebacks_carry_frames_and_types_but_no_message_text(
    capsys: pytest.CaptureFixture[str], fmt: str, message_text: bool
) -> None:
    # An exception's message can quote what a person wrote (a database error its parameters).
    configure_logging("INFO", fmt, message_text=message_text)
    try:
        _fails_on(WORDS)
    except RuntimeError:
        logging.getLogger("adapters.test").exception("storing a profile failed")
    err = capsys.readouterr().err
    assert "storing a profile failed" in err
    assert "_fails_on" in err and "UnicodeEncodeError" in err and "RuntimeError" in err
    assert ("7700 900123" in err) is message_text
    assert ("Zo" in err) is message_text
