"""A small fake of the Telegram Bot API on 127.0.0.1 (aiohttp), recording every call."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

from tests.fakes.http_fake import AiohttpFake

# What Telegram's HTML parse mode accepts (https://core.telegram.org/bots/api#html-style).
ALLOWED_TAGS = frozenset({
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "tg-emoji", "code", "pre", "blockquote",
})
NAMED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
_JSON_KEYS = frozenset({
    "reply_markup", "reply_parameters", "link_preview_options", "commands", "allowed_updates",
    "scope", "chat_id", "offset", "timeout", "limit", "message_id", "reply_to_message_id",
})


class HtmlError(ValueError):
    pass


class _TelegramHtml(HTMLParser):
    """Parses like Telegram: only its tags, balanced; bare <, > and & are refused."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise HtmlError(f"Unsupported start tag \"{tag}\"")
        if tag == "a" and not dict(attrs).get("href"):
            raise HtmlError("a tag without href")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise HtmlError(f"Unmatched end tag \"{tag}\"")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for ch in "<>&":
            if ch in data:
                raise HtmlError(f"unescaped {ch!r} in text")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            raise HtmlError(f"unsupported entity &{name};")
        self.text.append({"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[name])

    def handle_charref(self, name: str) -> None:
        self.text.append("?")


def parse_html(source: str) -> str:
    """The plain text Telegram would show, or HtmlError with Telegram's kind of complaint."""
    parser = _TelegramHtml()
    parser.feed(source)
    parser.close()
    if parser.rawdata:
        raise HtmlError(f"can't parse the rest: {parser.rawdata[:30]!r}")
    if parser.stack:
        raise HtmlError(f"unclosed tag {parser.stack[-1]!r}")
    return "".join(parser.text)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200


@dataclass
class FakeBotApi(AiohttpFake):
    token: str = "123456:TEST-token_abc"
    bot_id: int = 777000
    username: str = "careerbot_test_bot"
    calls: list[Call] = field(default_factory=list)
    # Chats where sendMessage answers 403, like people who never started the bot.
    forbidden_chats: set[int] = field(default_factory=set)
    chat_admins: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # Methods whose calls wait, unrecorded, until drop_held() (see hold()).
    holding: set[str] = field(default_factory=set)
    held: int = 0
    _released: asyncio.Event = field(default_factory=asyncio.Event)
    _pending: list[dict[str, Any]] = field(default_factory=list)
    _failures: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    _confirmed: int = 0
    _message_id: int = 1000
    _changed: asyncio.Condition | None = None
    base_url: str = ""

    @property
    def bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "careerbot",
                "username": self.username, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    async def start(self) -> str:
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self.base_url = await self._listen(app, shutdown_timeout=0.5) + "/bot"
        return self.base_url

    # --- what tests use ---------------------------------------------------------------

    async def queue_update(self, update: dict[str, Any]) -> None:
        """Serve this update on the next getUpdates (queue it twice to simulate a re-delivery)."""
        self._pending.append(update)
        await self._notify()

    def fail_next(self, method: str, status: int, description: str,
                  parameters: dict[str, Any] | None = None) -> None:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        self._failures.setdefault(method, []).append((status, body))

    def answer_429_once(self, method: str = "sendMessage", retry_after: int = 1) -> None:
        self.fail_next(method, 429, f"Too Many Requests: retry after {retry_after}",
                       {"retry_after": retry_after})

    def hold(self, method: str) -> None:
        """From now on calls of `method` wait, unrecorded, until drop_held()."""
        self._released = asyncio.Event()
        self.holding.add(method)

    def drop_held(self) -> None:
        """Stop holding; the held calls fail unrecorded, as if the process that made them had
        died before its requests left it (Telegram never saw them)."""
        self.holding.clear()
        self._released.set()

    def of(self, method: str, *, ok_only: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    @property
    def sent(self) -> list[dict[str, Any]]:
        return [c.params for c in self.of("sendMessage")]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 15.0) -> None:
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def wait_confirmed(self, update_id: int) -> None:
        """Until the poller asked for updates after update_id: it has queued it in the app."""
        await self.wait_for(lambda: self._confirmed > update_id)

    # --- the API --------------------------------------------------------------------

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        form = await request.post()
        params = {k: _decode(k, str(v)) for k, v in form.items()}
        if method == "getUpdates":
            return await self._get_updates(params)
        if method in self.holding:
            self.held += 1
            await self._notify()
            await self._released.wait()
            return web.json_response({"ok": False, "error_code": 502,
                                      "description": "Bad Gateway"}, status=502)
        call = Call(method, params)
        self.calls.append(call)
        try:
            failures = self._failures.get(method)
            if failures:
                status, body = failures.pop(0)
                call.status = status
                return web.json_response(body, status=status)
            try:
                result = self._result(method, params)
            except _ApiError as exc:
                call.status = exc.status
                return web.json_response({"ok": False, "error_code": exc.status,
                                          "description": exc.description}, status=exc.status)
            return web.json_response({"ok": True, "result": result})
        finally:
            await self._notify()

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        if offset:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            self._confirmed = max(self._confirmed, offset)
        self.calls.append(Call("getUpdates", params))
        await self._notify()
        assert self._changed is not None
        if not self._pending:
            # Long polling, kept short so the poller notices a stop quickly.
            wait = min(float(params.get("timeout") or 0), 0.5)
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._pending)),
                                           wait)
        return web.json_response({"ok": True, "result": self._pending[:100]})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return self.bot_user
        if method in ("deleteWebhook", "setWebhook", "setMyCommands", "answerCallbackQuery"):
            return True
        if method == "sendMessage":
            return self._send_message(params)
        if method == "getChatAdministrators":
            return [{"status": "creator" if i == 0 else "administrator",
                     "user": {"id": uid, "is_bot": False, "first_name": f"Admin{uid}"},
                     **({"is_anonymous": False} if i == 0 else _ADMIN_RIGHTS)}
                    for i, uid in enumerate(self.chat_admins.get(int(params["chat_id"]), ()))]
        raise _ApiError(404, "Not Found: method not found")

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.forbidden_chats:
            raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        text = params.get("text", "")
        if params.get("parse_mode") == "HTML":
            try:
                text = parse_html(text)
            except HtmlError as exc:
                raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        if markup:
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                        raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        self._message_id += 1
        message: dict[str, Any] = {
            "message_id": self._message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": self.bot_user,
            "text": text,
        }
        if markup:
            message["reply_markup"] = markup
        return message


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


_ADMIN_RIGHTS = {
    "is_anonymous": False, "can_be_edited": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
    "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
    "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
}


def _decode(key: str, value: str) -> Any:
    if key in _JSON_KEYS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
