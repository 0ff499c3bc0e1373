"""The real Bolt app over real HTTP: signed requests in, Web API and response_url calls out."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from adapters.channels.slack.render import BLOCKS_PER_MESSAGE, SECTION_LIMIT, SHARE_ACTION
from bot.memory import MemoryUsers
from tests.adapters.channels.slack.conftest import SECRET, SlackHarness
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID, Call, FakeSlack, signed_headers

pytestmark = pytest.mark.heavy


def _section_texts(call: Call) -> list[str]:
    return [b["text"]["text"] for b in call.data.get("blocks", []) if b["type"] == "section"]


def _buttons(call: Call) -> list[dict[str, Any]]:
    return [e for b in call.data.get("blocks", []) if b["type"] == "actions"
            for e in b["elements"]]


def _response_posts(token: str):  # type: ignore[no-untyped-def]
    return lambda fake: fake.posted(token, kind="response_url")


async def test_slash_command_acks_at_once_and_answers_through_response_url(
    slack: SlackHarness,
) -> None:
    body, headers, token = slack.signed.command("what is docker?")
    resp = await slack.post(body, headers)
    assert resp.status_code == 200
    assert resp.text == ""  # an empty ack: Slack shows nothing until the answer arrives
    [answer] = await slack.fake.wait_for(_response_posts(token), what="the answer")
    assert answer.data["response_type"] == "ephemeral"
    assert "*Docker*" in _section_texts(answer)[0]
    assert "Docker packages an application" in answer.data["text"]
    labels = [b["text"]["text"] for b in _buttons(answer)]
    assert "Tell me more" in labels and "Share in channel" in labels
    ids = [b["action_id"] for b in _buttons(answer)]
    assert len(ids) == len(set(ids))


async def test_slash_help_and_jobs(slack: SlackHarness) -> None:
    body, headers, help_token = slack.signed.command("help")
    assert (await slack.post(body, headers)).status_code == 200
    [help_] = await slack.fake.wait_for(_response_posts(help_token), what="help")
    assert "/careerbot jobs" in help_.data["text"]
    assert help_.data["response_type"] == "ephemeral"

    body, headers, jobs_token = slack.signed.command("jobs go")
    assert (await slack.post(body, headers)).status_code == 200
    [jobs] = await slack.fake.wait_for(_response_posts(jobs_token), what="jobs")
    text = "\n".join(_section_texts(jobs))
    assert "<https://jobs.example.com/acme-go|Backend Engineer (Go)>" in text
    assert "Acme &amp; Sons" in text and "remote: yes" in text and "level: senior" in text
    assert "Globex" not in text
    assert slack.handled[-1][0].text == "/jobs go"


async def test_share_in_channel_posts_the_answer_for_everyone(slack: SlackHarness) -> None:
    body, headers, token = slack.signed.command("what is docker?")
    await slack.post(body, headers)
    [answer] = await slack.fake.wait_for(_response_posts(token), what="the private answer")
    share = next(b for b in _buttons(answer) if b["action_id"] == SHARE_ACTION)

    body, headers, share_token = slack.signed.action(
        share["value"], action_id=SHARE_ACTION, channel="C0GENERAL", channel_name="general",
        ephemeral=True)
    assert (await slack.post(body, headers)).status_code == 200
    posts = await slack.fake.wait_for(
        lambda f: len(f.posted(share_token, kind="response_url")) >= 2 and
        f.posted(share_token, kind="response_url"), what="the shared answer")
    public, delete = posts
    assert public.data["response_type"] == "in_channel"
    assert public.data["replace_original"] is False
    assert _section_texts(public)[0] == _section_texts(answer)[0]
    assert SHARE_ACTION not in json.dumps(public.data)
    assert delete.data["delete_original"] is True


async def test_slash_command_is_acknowledged_while_the_database_is_still_busy(
    slack: SlackHarness,
) -> None:
    release = asyncio.Event()
    entered = asyncio.Event()
    touch = MemoryUsers.touch

    async def blocked_touch(self: MemoryUsers, *args: Any) -> None:
        entered.set()
        await release.wait()
        await touch(self, *args)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(MemoryUsers, "touch", blocked_touch)
        body, headers, token = slack.signed.command("what is docker?")
        resp = await slack.post(body, headers)
        # The ack came back although the core is stuck in its first database call.
        assert resp.status_code == 200
        await asyncio.wait_for(entered.wait(), 10)
        assert not slack.fake.posted(token, kind="response_url")
        release.set()
        [answer] = await slack.fake.wait_for(_response_posts(token), what="the late answer")
    assert "*Docker*" in _section_texts(answer)[0]


async def test_app_mention_is_answered_in_its_thread(slack: SlackHarness) -> None:
    event = slack.signed.mention("what is kubernetes?")
    body, headers, _ = slack.signed.event(event)
    resp = await slack.post(body, headers)
    assert resp.status_code == 200
    [post] = await slack.fake.wait_for(lambda f: f.posted("chat.postMessage"), what="answer")
    assert post.data["channel"] == "C0GENERAL"
    assert post.data["thread_ts"] == event["ts"]
    assert "*Kubernetes*" in _section_texts(post)[0]
    message = slack.handled[0][0]
    assert message.text == "what is kubernetes?" and message.chat_type == "group"


async def test_direct_message_is_answered_in_the_dm(slack: SlackHarness) -> None:
    body, headers, event_id = slack.signed.event(slack.signed.dm("what is docker?"))
    assert (await slack.post(body, headers)).status_code == 200
    [post] = await slack.fake.wait_for(lambda f: f.posted("chat.postMessage"), what="answer")
    assert post.data["channel"] == "D0ALICE"
    assert "thread_ts" not in post.data
    assert "*Docker*" in _section_texts(post)[0]
    message = slack.handled[0][0]
    assert message.chat_type == "private" and message.event_id == event_id
    assert ("slack", event_id) in slack.store.events


async def test_button_press_routes_the_action_to_the_core(slack: SlackHarness) -> None:
    body, headers, _ = slack.signed.event(slack.signed.dm("what is docker?"))
    await slack.post(body, headers)
    [answer] = await slack.fake.wait_for(lambda f: f.posted("chat.postMessage"), what="answer")
    more = next(b for b in _buttons(answer) if b["text"]["text"] == "Tell me more")
    assert more["value"] == "more:docker"

    body, headers, _ = slack.signed.action(
        more["value"], action_id=more["action_id"],
        message={"type": "message", "ts": "1700000000.000001", "text": answer.data["text"]})
    resp = await slack.post(body, headers)
    assert resp.status_code == 200
    posts = await slack.fake.wait_for(
        lambda f: len(f.posted("chat.postMessage")) >= 2 and f.posted("chat.postMessage"),
        what="the details")
    details = posts[1]
    assert details.data["channel"] == "D0ALICE"
    assert "layers, caching &amp; the &lt;build&gt; context" in "\n".join(_section_texts(details))
    assert slack.handled[-1][0].action == "more:docker"


async def test_button_on_an_ephemeral_answer_replies_through_response_url(
    slack: SlackHarness,
) -> None:
    body, headers, token = slack.signed.action(
        "t:kubernetes", channel="C0GENERAL", channel_name="general", ephemeral=True)
    assert (await slack.post(body, headers)).status_code == 200
    [post] = await slack.fake.wait_for(_response_posts(token), what="the topic")
    assert post.data["response_type"] == "ephemeral"
    assert post.data["replace_original"] is False
    assert "*Kubernetes*" in _section_texts(post)[0]
    assert not slack.fake.posted("chat.postMessage")


async def test_forged_signature_is_rejected(slack: SlackHarness) -> None:
    body, headers, _ = slack.signed.event(slack.signed.dm("what is docker?"))
    forged = {**headers, "X-Slack-Signature": "v0=" + "0" * 64}
    resp = await slack.post(body, forged)
    assert resp.status_code == 401
    # A body changed after signing is just as forged.
    resp = await slack.post(body.replace(b"docker", b"kubectl"), headers)
    assert resp.status_code == 401
    assert slack.handled == []


async def test_request_older_than_five_minutes_is_rejected(slack: SlackHarness) -> None:
    body, headers, _ = slack.signed.command("help", timestamp=int(time.time()) - 6 * 60)
    resp = await slack.post(body, headers)
    assert resp.status_code == 401
    assert slack.handled == []


async def test_url_verification_is_answered(slack: SlackHarness) -> None:
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    resp = await slack.post(body.encode(), signed_headers(SECRET, body.encode(),
                                                          content_type="application/json"))
    assert resp.status_code == 200
    assert resp.json() == {"challenge": "c-123"}


async def test_a_retried_event_is_answered_once(slack: SlackHarness) -> None:
    event = slack.signed.dm("what is docker?")
    body, headers, event_id = slack.signed.event(event)
    first = await slack.post(body, headers)
    retry = await slack.post(body, headers, **{"X-Slack-Retry-Num": "1",
                                               "X-Slack-Retry-Reason": "http_timeout"})
    assert first.status_code == retry.status_code == 200
    await slack.fake.wait_for(lambda f: f.posted("chat.postMessage"), what="the answer")
    # A later message is answered after the retry was handled: nothing more is on its way.
    body, headers, _ = slack.signed.event(slack.signed.dm("what is kubernetes?"))
    await slack.post(body, headers)
    posts = await slack.fake.wait_for(
        lambda f: len(f.posted("chat.postMessage")) >= 2 and f.posted("chat.postMessage"),
        what="the later answer")
    assert ["*Docker*" in _section_texts(p)[0] for p in posts] == [True, False]
    # The retry stops at the inbox while the first delivery is kept, else at the core's claim.
    assert [bool(r) for m, r in slack.handled if m.event_id == event_id] in ([True],
                                                                           [True, False])


async def test_the_bots_own_and_other_bots_messages_are_ignored(slack: SlackHarness) -> None:
    ignored = [
        slack.signed.dm("what is docker?", user=BOT_USER_ID, bot_id=BOT_ID),
        slack.signed.dm("what is docker?", user="U0OTHERBOT", bot_id="B0OTHER"),
        slack.signed.dm("what is docker?", subtype="message_changed"),
        {**slack.signed.dm(""), "subtype": "channel_join"},
    ]
    for event in ignored:
        body, headers, _ = slack.signed.event(event)
        assert (await slack.post(body, headers)).status_code == 200
    body, headers, _ = slack.signed.event(slack.signed.dm("what is kubernetes?"))
    await slack.post(body, headers)
    await slack.fake.wait_for(lambda f: f.posted("chat.postMessage"), what="the real answer")
    await slack.wait_handled(1)
    assert [m.text for m, _ in slack.handled] == ["what is kubernetes?"]
    assert len(slack.fake.messages()) == 1


async def test_rate_limited_post_waits_and_is_delivered_once(slack: SlackHarness) -> None:
    slack.fake.rate_limit_once.add("chat.postMessage")
    body, headers, _ = slack.signed.event(slack.signed.dm("what is docker?"))
    await slack.post(body, headers)
    await slack.fake.wait_for(lambda f: f.posted("chat.postMessage"), what="the retried post")
    attempts = [c.status for c in slack.fake.calls if c.name == "chat.postMessage"]
    assert attempts == [429, 200]
    assert len(slack.fake.messages()) == 1


async def test_a_long_answer_stays_within_slacks_block_limits(slack: SlackHarness) -> None:
    body, headers, _ = slack.signed.event(slack.signed.dm("what is longread?"))
    await slack.post(body, headers)
    await slack.wait_handled(1)
    [(_, replies)] = slack.handled
    assert replies[0].topic == "longread"

    def all_posted(fake: FakeSlack) -> list[Call]:
        posts = fake.posted("chat.postMessage")
        return posts if posts and _buttons(posts[-1]) else []

    posts = await slack.fake.wait_for(all_posted, what="every part of the long answer")
    assert len(posts) >= 2  # more than 50 blocks: split over several messages
    for post in posts:
        assert len(post.data["blocks"]) <= BLOCKS_PER_MESSAGE
        assert all(len(t) <= SECTION_LIMIT for t in _section_texts(post))
    texts = [t for p in posts for t in _section_texts(p)]
    words = sum(t.count("word") for t in texts)
    assert words == 3 * 1500  # nothing lost at the splits
    assert sum("point number" in ln for t in texts for ln in t.splitlines()) == 200
    assert any(t.startswith("• point number 0") for t in texts)


async def test_mentions_and_ampersands_in_a_question_are_escaped(slack: SlackHarness) -> None:
    # Slack sends a typed "&" as "&amp;" and <!channel> as the special mention itself;
    # the greeting echoes the (here hostile) user name, so it must come out escaped.
    body, headers, token = slack.signed.command("hi", user_name="<!channel>&Co")
    await slack.post(body, headers)
    event = slack.signed.mention("<!channel> &amp; <!here> what is docker?")
    body, headers, _ = slack.signed.event(event)
    await slack.post(body, headers)
    [greeting] = await slack.fake.wait_for(_response_posts(token), what="the greeting")
    [answer] = await slack.fake.wait_for(lambda f: f.posted("chat.postMessage"), what="answer")
    assert "Hi &lt;!channel&gt;&amp;Co!" in _section_texts(greeting)[0]
    assert greeting.data["text"].startswith("Hi &lt;!channel&gt;&amp;Co!")
    mention = next(m for m, _ in slack.handled if m.chat_type == "group" and "docker" in m.text)
    assert mention.text == "<!channel> & <!here> what is docker?"
    assert _section_texts(answer)
    for call in slack.fake.messages():
        raw = json.dumps(call.data)
        assert "<!channel>" not in raw and "<!here>" not in raw


async def test_channel_digest_is_for_workspace_admins(slack: SlackHarness) -> None:
    slack.fake.workspace_admins.add("U0ADMIN")
    body, headers, member_token = slack.signed.command("digest weekly", user="U0BOB")
    assert (await slack.post(body, headers)).status_code == 200
    [refused] = await slack.fake.wait_for(_response_posts(member_token), what="refusal")
    assert "only an admin" in refused.data["text"].lower()

    body, headers, admin_token = slack.signed.command("digest weekly", user="U0ADMIN")
    assert (await slack.post(body, headers)).status_code == 200
    [accepted] = await slack.fake.wait_for(_response_posts(admin_token), what="digest on")
    assert "weekly digest" in accepted.data["text"]
    asked = [c.data["user"] for c in slack.fake.calls if c.name == "users.info"]
    assert sorted(asked) == ["U0ADMIN", "U0BOB"]
