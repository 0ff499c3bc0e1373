"""A small fake of Slack's Web API and response_url endpoints on 127.0.0.1, recording calls."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.http_fake import AiohttpFake

BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0001"


@dataclass
class Call:
    kind: str  # "api" or "response_url"
    name: str  # API method, or the response_url token
    data: dict[str, Any]
    status: int = 200

    def texts(self) -> str:
        """Everything a person could read in this call: fallback text and every block text."""
        return json.dumps(self.data, ensure_ascii=False)


@dataclass
class FakeSlack(AiohttpFake):
    calls: list[Call] = field(default_factory=list)
    rate_limit_once: set[str] = field(default_factory=set)
    base: str = ""
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    workspace_admins: set[str] = field(default_factory=set)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack_sdk GETs a few (users.info)
        app.router.add_post("/response/{token}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self.base = await self._listen(app, access_log=None)

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, token: str) -> str:
        return f"{self.base}/response/{token}"

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if request.method == "GET":
            return dict(request.query)
        raw = await request.read()
        if not raw:
            return {}
        if request.content_type == "application/json":
            data: dict[str, Any] = json.loads(raw)
            return data
        return {k: v[0] if len(v) == 1 else v
                for k, v in urllib.parse.parse_qs(raw.decode()).items()}

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        data = await self._body(request)
        if method in self.rate_limit_once:
            self.rate_limit_once.discard(method)
            self.calls.append(Call("api", method, data, status=429))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": "1"})
        self.calls.append(Call("api", method, data))
        ts = f"1700000000.{next(self._ts):06d}"
        if method == "auth.test":
            return web.json_response({
                "ok": True, "url": "https://example.slack.com/", "team": "Example",
                "user": "careerbot", "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                "bot_id": BOT_ID, "is_enterprise_install": False,
            })
        if method == "apps.connections.open":
            return web.json_response({"ok": True, "url": f"ws://{request.host}/socket"})
        if method == "chat.postMessage":
            return web.json_response({"ok": True, "channel": data.get("channel"), "ts": ts,
                                      "message": {"text": data.get("text"), "ts": ts}})
        if method == "chat.postEphemeral":
            return web.json_response({"ok": True, "message_ts": ts})
        if method == "users.info":
            uid = str(data.get("user"))
            return web.json_response({"ok": True, "user": {
                "id": uid, "name": uid.lower(), "is_admin": uid in self.workspace_admins,
                "is_owner": False, "is_bot": False}})
        return web.json_response({"ok": True})

    async def _response_url(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        self.calls.append(Call("response_url", request.match_info["token"], data))
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, then record the app's acknowledgements."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A0001"}})
        async for msg in ws:
            if msg.type == web.WSMsgType.TEXT:
                self.socket_acks.append(json.loads(msg.data))
        return ws

    async def send_envelope(self, kind: str, payload: dict[str, Any], envelope_id: str) -> None:
        """Deliver an event/command/interaction to the connected Socket Mode app."""
        await self.sockets[-1].send_json({
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api", "retry_attempt": 0,
            "retry_reason": "",
        })

    # --- what tests look at ---------------------------------------------------------------

    def posted(self, name: str | None = None, *, kind: str | None = None) -> list[Call]:
        """Successful calls, optionally only one API method / response_url token."""
        return [c for c in self.calls if c.status == 200
                and (kind is None or c.kind == kind) and (name is None or c.name == name)]

    def messages(self) -> list[Call]:
        """Everything the bot said: chat.postMessage/postEphemeral and response_url posts."""
        return [c for c in self.calls if c.status == 200 and (
            c.kind == "response_url" or c.name in ("chat.postMessage", "chat.postEphemeral"))]

    async def wait_for(self, predicate: Callable[[FakeSlack], Any], *, timeout: float = 15.0,
                       what: str = "") -> Any:
        """Poll until predicate(self) is truthy; fail with the calls seen so far if it never is."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate(self)
            if result:
                return result
            if time.monotonic() > deadline:
                seen = [(c.kind, c.name, c.status) for c in self.calls]
                raise AssertionError(f"gave up waiting for {what or predicate}; calls: {seen}")
            await asyncio.sleep(0.02)


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None,
                   content_type: str) -> dict[str, str]:
    """X-Slack-Signature v0: HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    sig = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig,
            "Content-Type": content_type}


@dataclass
class SignedRequests:
    """Builds correctly signed slash-command, event and interactivity requests."""

    secret: str
    fake: FakeSlack
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def command(self, text: str, *, user: str = "U0ALICE", channel: str = "C0GENERAL",
                channel_name: str = "general", user_name: str = "alice",
                timestamp: int | None = None) -> tuple[bytes, dict[str, str], str]:
        token = f"cmd{next(self._ids)}"
        form = {
            "token": "legacy", "team_id": TEAM_ID, "team_domain": "example",
            "channel_id": channel, "channel_name": channel_name, "user_id": user,
            "user_name": user_name, "command": "/careerbot", "text": text,
            "api_app_id": "A0001", "is_enterprise_install": "false",
            "response_url": self.fake.response_url(token), "trigger_id": f"trig.{token}",
        }
        body = urllib.parse.urlencode(form).encode()
        headers = signed_headers(self.secret, body, timestamp=timestamp,
                                 content_type="application/x-www-form-urlencoded")
        return body, headers, token

    def event(self, event: dict[str, Any], *, event_id: str | None = None,
              timestamp: int | None = None) -> tuple[bytes, dict[str, str], str]:
        eid = event_id or f"Ev{next(self._ids):08d}"
        envelope = {
            "token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0001", "event": event,
            "type": "event_callback", "event_id": eid, "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        body = json.dumps(envelope).encode()
        return body, signed_headers(self.secret, body, timestamp=timestamp,
                                    content_type="application/json"), eid

    def dm(self, text: str, *, user: str = "U0ALICE", channel: str = "D0ALICE",
           **extra: Any) -> dict[str, Any]:
        ts = f"1700000100.{next(self._ids):06d}"
        return {"type": "message", "channel_type": "im", "channel": channel, "user": user,
                "text": text, "ts": ts, "event_ts": ts, **extra}

    def mention(self, text: str, *, user: str = "U0ALICE", channel: str = "C0GENERAL",
                **extra: Any) -> dict[str, Any]:
        ts = f"1700000200.{next(self._ids):06d}"
        return {"type": "app_mention", "channel": channel, "user": user,
                "text": f"<@{BOT_USER_ID}> {text}", "ts": ts, "event_ts": ts, **extra}

    def action(self, value: str, *, action_id: str = "careerbot:0", user: str = "U0ALICE",
               channel: str = "D0ALICE", channel_name: str = "directmessage",
               ephemeral: bool = False, message: dict[str, Any] | None = None,
               ) -> tuple[bytes, dict[str, str], str]:
        token = f"act{next(self._ids)}"
        payload: dict[str, Any] = {
            "type": "block_actions", "team": {"id": TEAM_ID, "domain": "example"},
            "user": {"id": user, "username": "alice", "name": "alice", "team_id": TEAM_ID},
            "api_app_id": "A0001", "token": "legacy", "trigger_id": f"trig.{token}",
            "channel": {"id": channel, "name": channel_name},
            "container": {"type": "message", "message_ts": "1700000000.000001",
                          "channel_id": channel, "is_ephemeral": ephemeral},
            "response_url": self.fake.response_url(token),
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b1",
                         "value": value, "text": {"type": "plain_text", "text": "x"},
                         "action_ts": "1700000300.000001"}],
        }
        if message is not None:
            payload["message"] = message
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return body, signed_headers(self.secret, body,
                                    content_type="application/x-www-form-urlencoded"), token
