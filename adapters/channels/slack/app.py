"""The Bolt app and its HTTP route POST /slack/events: convert, ask the core, render."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.channels.inbox import Inbox
from adapters.channels.slack.convert import (
    PLATFORM,
    SLASH_COMMAND,
    action_to_message,
    command_to_message,
    event_to_message,
    reply_thread,
)
from adapters.channels.slack.render import (
    ACTION_PREFIX,
    BUTTON_VALUE_LIMIT,
    SHARE_ACTION,
    SlackMessage,
    render,
)
from adapters.channels.slack.transport import retry_handlers
from adapters.channels.slack.verify import RequestSignature
from bot.dialogue import Bot
from bot.messages import ChatType, Message, Reply
from bot.ports import InboxItem

log = logging.getLogger(__name__)

# How long whether a person is a workspace admin is trusted before Slack is asked again.
ADMINS_TTL = 600.0


def inbox_key(body: Mapping[str, Any]) -> str | None:
    """The event id an acknowledged request is kept under in the inbox (None: not kept)."""
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        return str(body["event_id"])  # as convert.event_to_message names it
    trigger = body.get("trigger_id")
    if not trigger:
        return None
    if body.get("command"):
        return f"cmd:{trigger}"
    if kind == "block_actions":
        return f"act:{trigger}"
    return None


class SlackFrontEnd:
    """Translates between Slack and the core; delivers each reply where it was asked.

    With an inbox, every event, slash command and button press is kept before Slack gets
    its acknowledgement and forgotten once answered (adapters/channels/inbox.py).
    """

    def __init__(self, bot: Bot, client: AsyncWebClient, *, inbox: Inbox | None = None) -> None:
        self.bot = bot
        self.client = client
        self.inbox = inbox
        self._admins: dict[str, tuple[float, bool]] = {}
        self._resumed: set[asyncio.Task[None]] = set()

    async def answer(self, message: Message) -> list[Reply]:
        """The core's replies, or for a request taken over from a process that died after the
        core answered it, the replies it gave then."""
        kept = (self.inbox.answer_of(message.event_id)
                if self.inbox is not None and message.event_id else None)
        return list(kept) if kept is not None else await self.bot.handle(message)

    async def finishing(self, key: str | None, work: Awaitable[None]) -> None:
        """Run a listener's work; then the inbox forgets the request (or keeps it for a retry
        when the work failed)."""
        inbox = self.inbox
        if inbox is None or key is None or not inbox.holds(key):
            await work
            return
        try:
            await work
        except Exception:
            await inbox.failed(key)
            raise
        await inbox.done(key)

    async def resume(self, item: InboxItem) -> None:
        """A request taken over from the inbox, processed like a new one (in a task)."""
        kept = json.loads(item.payload)
        body: dict[str, Any] = kept["body"]
        work: Awaitable[None]
        if body.get("type") == "event_callback":
            work = self.on_event(body, bot_user_id=kept.get("bot_user_id"),
                                 bot_id=kept.get("bot_id"))
        elif body.get("command"):
            work = self.on_command(body, key=item.event_id)
        else:
            work = self.on_actions(body, key=item.event_id)
        task = asyncio.create_task(self.finishing(item.event_id, work))
        self._resumed.add(task)
        task.add_done_callback(self._resumed.discard)

    async def on_actions(self, body: Mapping[str, Any], *, key: str | None) -> None:
        for action in body.get("actions") or ():
            action_id = str(action.get("action_id") or "")
            if action_id == SHARE_ACTION:
                await self.on_share(body, action, key=key)
            elif action_id.startswith(ACTION_PREFIX):
                await self.on_action(body, action, key=key)

    async def with_admin(self, message: Message) -> Message:
        """Fill `chat_admin` for channel commands: Slack's workspace admins and owners."""
        if message.chat_type is not ChatType.GROUP or not message.text.startswith("/"):
            return message
        now = time.monotonic()
        hit = self._admins.get(message.user_id)
        if hit is None or now - hit[0] > ADMINS_TTL:
            try:
                info = (await self.client.users_info(user=message.user_id)).get("user") or {}
                hit = (now, bool(info.get("is_admin") or info.get("is_owner")))
            except Exception as exc:
                log.warning("users.info failed: %s", type(exc).__name__)
                hit = (now, False)
            self._admins[message.user_id] = hit
        return dataclasses.replace(message, chat_admin=hit[1])

    # --- delivery -------------------------------------------------------------------------

    async def respond(self, response_url: str, message: SlackMessage, **options: Any) -> None:
        """Post to a `response_url` (slash commands, ephemeral buttons); 429 waits and retries."""
        hook = AsyncWebhookClient(url=response_url, retry_handlers=retry_handlers())
        response = await hook.send_dict({**message.payload(), **options})
        if response.status_code != 200:
            log.warning("response_url post failed: HTTP %s %s", response.status_code,
                        (response.body or "")[:200])

    async def post(
        self, channel: str, message: SlackMessage, *, user: str, thread_ts: str | None
    ) -> None:
        """Post in a channel or DM; replies the core marks private only the asker sees."""
        try:
            if message.private and not channel.startswith("D"):
                await self.client.chat_postEphemeral(
                    channel=channel, user=user, text=message.text, blocks=message.blocks,
                    thread_ts=thread_ts,
                )
            else:
                await self.client.chat_postMessage(
                    channel=channel, text=message.text, blocks=message.blocks,
                    thread_ts=thread_ts, unfurl_links=False,
                )
        except SlackApiError as exc:
            log.warning("posting to Slack failed: %s", exc.response.get("error"))

    # --- listeners --------------------------------------------------------------------------

    async def on_command(self, command: Mapping[str, Any], *, key: str | None) -> None:
        message = await self.with_admin(
            dataclasses.replace(command_to_message(command), event_id=key))
        replies = await self.answer(message)
        # Sharing re-asks the same text for everyone (Slack does not send an ephemeral
        # message's blocks back); private replies such as /mydata are never offered.
        share = message.text[:BUTTON_VALUE_LIMIT] if message.chat_type is ChatType.GROUP else None
        for reply in replies:
            for part in render(reply, share=None if reply.private else share):
                await self.respond(str(command["response_url"]), part,
                                   response_type="ephemeral")

    async def on_event(self, body: Mapping[str, Any], *, bot_user_id: str | None,
                       bot_id: str | None) -> None:
        message = event_to_message(body, bot_user_id=bot_user_id, bot_id=bot_id)
        if message is None:
            return
        message = await self.with_admin(message)
        thread = reply_thread(body["event"])
        for reply in await self.answer(message):
            for part in render(reply):
                await self.post(message.chat_id, part, user=message.user_id, thread_ts=thread)

    async def on_action(self, body: Mapping[str, Any], action: Mapping[str, Any], *,
                        key: str | None) -> None:
        message = dataclasses.replace(action_to_message(body, action), event_id=key)
        if not message.action:
            return
        replies = await self.answer(message)
        container = body.get("container") or {}
        response_url = body.get("response_url")
        if container.get("is_ephemeral") and response_url:
            for reply in replies:
                for part in render(reply):
                    await self.respond(str(response_url), part, response_type="ephemeral",
                                       replace_original=False)
            return
        posted = body.get("message") or {}
        thread = posted.get("thread_ts")
        if thread is None and message.chat_type is ChatType.GROUP:
            thread = posted.get("ts") or container.get("message_ts")
        for reply in replies:
            for part in render(reply):
                await self.post(message.chat_id, part, user=message.user_id,
                                thread_ts=str(thread) if thread else None)

    async def on_share(self, body: Mapping[str, Any], action: Mapping[str, Any], *,
                       key: str | None) -> None:
        """"Share in channel": ask the same question again and post the answer for everyone."""
        response_url = body.get("response_url")
        asked = action_to_message(body, action)
        if not response_url or not asked.action:
            return
        message = Message(
            platform=PLATFORM, user_id=asked.user_id, chat_id=asked.chat_id, text=asked.action,
            display_name=asked.display_name, chat_type=asked.chat_type, event_id=key,
        )
        replies = [r for r in await self.answer(message) if not r.private]
        for reply in replies:
            for part in render(reply):
                await self.respond(str(response_url), part, response_type="in_channel",
                                   replace_original=False)
        if replies:
            # The private copy is no longer needed once everyone can see the answer.
            await self.respond(str(response_url), SlackMessage(text=""), delete_original=True)


def build_slack_app(
    bot: Bot,
    client: AsyncWebClient,
    *,
    signing_secret: str | None,
    logger: logging.Logger | None = None,
    front: SlackFrontEnd | None = None,
    verified_before: bool = False,
) -> AsyncApp:
    """The Bolt app. Without a signing secret it only serves Socket Mode (no HTTP verification).
    `front` (with an inbox, under `careerbot serve`) answers; by default one without.
    `verified_before`: every request reaches Bolt through `slack_routes`, which checked its
    signature on the raw bytes, so Bolt does not check it again (its documented switch for a
    verifying proxy in front of it)."""
    app = AsyncApp(
        name="careerbot",
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=bool(signing_secret) and not verified_before,
        logger=logger or logging.getLogger("adapters.channels.slack.bolt"),
    )
    if front is None:
        front = SlackFrontEnd(bot, client)
    inbox = front.inbox

    if inbox is not None:
        # After Bolt's own middleware (signature, url_verification, the bot's own events)
        # and before any listener, so before Slack's acknowledgement: events are acknowledged
        # by Bolt before their listener runs.
        @app.middleware
        async def keep(body: dict[str, Any], context: AsyncBoltContext,
                       next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse | None:
            key = inbox_key(body)
            if key is not None:
                payload = json.dumps({"body": body, "bot_user_id": context.bot_user_id,
                                      "bot_id": context.bot_id})
                if await inbox.keep(key, payload) is False:
                    # Slack retrying a request already kept: whoever holds it answers it.
                    return BoltResponse(status=200, body="")
            return await next()

    # Bolt injects listener arguments by parameter name, hence small closures, not methods.
    # Each listener acknowledges first: Bolt answers Slack's HTTP request at ack() and runs
    # the rest of the listener afterwards (process_before_response is False), so a slow
    # database never makes Slack show "operation_timeout".
    @app.command(SLASH_COMMAND)
    async def slash_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack()
        key = inbox_key(command)
        await front.finishing(key, front.on_command(command, key=key))

    async def on_event(body: dict[str, Any], context: AsyncBoltContext) -> None:
        await front.finishing(inbox_key(body), front.on_event(
            body, bot_user_id=context.bot_user_id, bot_id=context.bot_id))

    app.event("app_mention")(on_event)
    app.event("message")(on_event)

    @app.action(re.compile("^" + re.escape(ACTION_PREFIX)))
    async def button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        key = inbox_key(body)
        await front.finishing(key, front.on_action(body, action, key=key))

    @app.action(SHARE_ACTION)
    async def share(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        key = inbox_key(body)
        await front.finishing(key, front.on_share(body, action, key=key))

    return app


EVENTS_PATH = "/slack/events"


def slack_routes(app: AsyncApp, *, signing_secret: str) -> list[Route]:
    """Nothing unsigned reaches Bolt: a request without a valid X-Slack-Signature (forged, or
    older than five minutes) gets 401 before its body is decoded. Bolt answers Slack's
    url_verification challenge itself; a signed body it cannot parse gets 400."""
    handler = AsyncSlackRequestHandler(app)
    signed = RequestSignature(signing_secret)

    async def events(request: Request) -> Response:
        try:
            body = await request.body()
        except ClientDisconnect:
            log.info("a client went away before sending its whole request")
            return Response(status_code=400)
        if not signed(body, request.headers):
            log.warning("refused a slack request without a valid signature")
            return Response(status_code=401)
        try:
            return await handler.handle(request)
        except Exception as exc:  # signed but unreadable: one line, no traceback (no text)
            log.warning("rejected a malformed slack request: %s", type(exc).__name__)
            return Response(status_code=400)

    return [Route(EVENTS_PATH, events, methods=["POST"], name="slack_events")]
