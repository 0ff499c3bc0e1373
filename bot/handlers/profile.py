"""A person's profile (skills, level, remote wish, place): guided flow, one line, plain words."""

from __future__ import annotations

import dataclasses
import re

from bot.actions import (
    EditProfile,
    ProfileAction,
    RunCommand,
    SetLevel,
    SetRemote,
    SkipStep,
)
from bot.flows import PROFILE_FLOW, Step, next_step
from bot.handlers.base import BaseHandler
from bot.intents import is_statement
from bot.markup import Block, Bold, Text, para
from bot.markup import bullets as bullet_list
from bot.messages import Button, Reply
from bot.openings import Level
from bot.ports import Profile, RemotePreference
from bot.recommend import parse_request
from bot.routing import Context
from bot.skills import SkillVocabulary
from bot.text import bare, normalize, words_re
from bot.vocabulary import Reading, find_level, find_skills, remote_wish, stated_level

MAX_SKILLS = 40
MAX_SKILL_CHARS = 40
MAX_LOCATION_CHARS = 80

_SKIP = words_re(r"skip", r"none", r"no preference", r"don'?t care", r"any", r"either",
                 r"anywhere", r"whatever", r"pass", r"next")
_SPLIT = re.compile(r"\s*(?:,|/|\+|\band\b|&|;|\n)\s*")
_KEY = re.compile(r"^(skills?|stack|level|seniority|remote|work|location|city|place|where)\b"
                  r"\s*[:=]?\s*(.*)$", re.DOTALL)


def parse_skills(text: str, vocab: SkillVocabulary) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(canonical skills, unknown skills as typed) from a list like "python, postgres and k8s"."""
    known: dict[str, None] = {}
    unknown: dict[str, None] = {}
    for item in _SPLIT.split(text.strip()):
        item = item.strip(" .!?\"'").strip()
        if not item:
            continue
        skill = vocab.canonical(item)
        if skill is not None:
            known.setdefault(skill.name)
            continue
        found = find_skills(vocab, item, listed=True)
        if found:
            for s in found:
                known.setdefault(s.name)
        elif len(item) <= MAX_SKILL_CHARS and normalize(item) not in ("i", "know", "skills"):
            unknown.setdefault(item)
    return tuple(known)[:MAX_SKILLS], tuple(unknown)[:MAX_SKILLS]


def parse_level(text: str) -> Level | None:
    """The level in a reply to "What level are you at?"."""
    return find_level(text, Reading.ANSWER)


def parse_remote(text: str) -> RemotePreference | None:
    """The wish in a reply to "Do you want to work remotely?" ("yes", "hybrid", "any")."""
    return remote_wish(text, Reading.ANSWER)


def parse_line(text: str, vocab: SkillVocabulary, base: Profile) -> tuple[Profile, list[str]]:
    """The one-line form "skills a, b; level senior; remote yes; location Berlin".

    Returns the new profile and the segments it could not read.
    """
    profile = base
    problems: list[str] = []
    for segment in re.split(r"\s*[;\n]\s*", text.strip()):
        if not segment:
            continue
        m = _KEY.match(normalize(segment))
        if m is None:
            problems.append(segment)
            continue
        key = m.group(1)
        value = segment[len(segment) - len(m.group(2)):].strip() if m.group(2) else ""
        if key in ("skill", "skills", "stack"):
            skills, unknown = parse_skills(value, vocab)
            profile = dataclasses.replace(profile, skills=skills, unknown_skills=unknown)
        elif key in ("level", "seniority"):
            level = parse_level(value)
            if level is None and not _SKIP.search(normalize(value)):
                problems.append(segment)
            else:
                profile = dataclasses.replace(profile, level=level)
        elif key in ("remote", "work"):
            pref = parse_remote(value)
            if pref is None:
                problems.append(segment)
            else:
                profile = dataclasses.replace(profile, remote=pref)
        else:
            place = value[:MAX_LOCATION_CHARS].strip()
            profile = dataclasses.replace(
                profile, location=None if not place or _SKIP.fullmatch(normalize(place)) else place)
    return profile, problems


def parse_statement(text: str, vocab: SkillVocabulary, base: Profile) -> Profile:
    """Plain words ("I know Python and Docker and want remote work") add to the profile."""
    req = parse_request(text, vocab)
    skills = tuple(dict.fromkeys((*base.skills, *req.skills)))[:MAX_SKILLS]
    return dataclasses.replace(
        base,
        skills=skills,
        level=stated_level(text) or base.level,
        remote=req.remote if req.remote is not RemotePreference.ANY else base.remote,
        location=req.location or base.location,
    )


def describe(profile: Profile) -> Reply:
    if profile.is_empty:
        return Reply(
            blocks=(para("You have no profile yet. Tell me your skills, level and whether you "
                         "want remote work, and I'll match openings to you."),),
            buttons=(Button(label="Set up my profile", action=EditProfile().encode()),),
            intent="profile", confidence=1.0, private=True,
        )
    remote = {
        RemotePreference.REMOTE: "remote only", RemotePreference.HYBRID: "hybrid",
        RemotePreference.ONSITE: "on-site", RemotePreference.ANY: "no preference",
    }[profile.remote]
    items = [
        (Bold("Skills: "), Text(", ".join(profile.skills) or "none yet")),
        (Bold("Level: "), Text(profile.level.value if profile.level else "not set")),
        (Bold("Remote: "), Text(remote)),
        (Bold("Location: "), Text(profile.location or "not set")),
    ]
    blocks: list[Block] = [para("Your profile:"), bullet_list(items)]
    if profile.unknown_skills:
        blocks.append(para(
            "I don't know these skills, so they don't count when matching yet (kept as you "
            "typed them): " + ", ".join(profile.unknown_skills) + "."))
    blocks.append(para("Change it in one line, e.g. /profile skills python, postgres; "
                       "level senior; remote yes; location Berlin"))
    return Reply(
        blocks=tuple(blocks),
        buttons=(Button(label="Find jobs for me", action=RunCommand(name="jobs").encode()),
                 Button(label="Edit step by step", action=EditProfile().encode())),
        intent="profile", confidence=1.0, private=True,
    )


class ProfileHandler(BaseHandler):
    """The profile in one line or plain words, or step by step (the flow is in bot/flows.py)."""

    intent = "profile"
    commands = ("profile",)
    actions = (EditProfile, SetLevel, SetRemote, SkipStep)
    steps = PROFILE_FLOW

    def score(self, ctx: Context) -> float:
        return ctx.intents()["profile"]

    async def handle(self, ctx: Context) -> list[Reply]:
        if isinstance(ctx.action, ProfileAction):
            return [await self._action(ctx, ctx.action)]
        profile = await ctx.profile()
        if ctx.command is None and not parse_statement(ctx.text, ctx.kb.skills, Profile()).is_empty:
            # Said in plain words ("I know Python and want remote work"): it adds to the profile.
            new = parse_statement(ctx.text, ctx.kb.skills, profile)
            return [await self._save(ctx, new, "Got it, I've updated your profile.")]
        args = ctx.text.strip() if ctx.command == "profile" else ""
        if not args:
            if profile.is_empty:
                return [await self._ask(ctx, Step.PROFILE_SKILLS)]
            return [describe(profile)]
        if normalize(args) in ("edit", "start", "setup", "set up", "change"):
            return [await self._ask(ctx, Step.PROFILE_SKILLS)]
        if normalize(args) in ("clear", "reset", "delete"):
            return [await self._save(ctx, Profile(), "Your profile is cleared.")]
        if _KEY.match(normalize(args)):
            new, problems = parse_line(args, ctx.kb.skills, profile)
            reply = await self._save(ctx, new, "Saved.")
            if problems:
                note = para("I couldn't read: " + "; ".join(problems) + ". Write e.g. "
                            "“level senior”, “remote yes|no|hybrid|any”, “location Berlin”.")
                reply = dataclasses.replace(reply, blocks=(note, *reply.blocks))
            return [reply]
        if is_statement(args):
            new = parse_statement(args, ctx.kb.skills, profile)
        else:
            skills, unknown = parse_skills(args, ctx.kb.skills)
            new = dataclasses.replace(profile, skills=skills, unknown_skills=unknown)
        return [await self._save(ctx, new, "Saved.")]

    async def resume(self, ctx: Context) -> list[Reply] | None:
        step = ctx.state.pending
        if step is None or step not in PROFILE_FLOW:
            return None
        text = ctx.text.strip()
        norm = bare(normalize(text))
        if not norm:
            return None
        skip = bool(_SKIP.fullmatch(norm))
        profile = await ctx.profile()
        if step is Step.PROFILE_SKILLS:
            if "?" in text and "," not in text:
                return None  # a question, not an answer: answer it normally
            if not skip:
                skills, unknown = parse_skills(text, ctx.kb.skills)
                if not skills and not unknown:
                    return [await self._ask(ctx, step, again=True)]
                profile = dataclasses.replace(profile, skills=skills, unknown_skills=unknown)
        elif step is Step.PROFILE_LEVEL:
            level = parse_level(text)
            if level is None and not skip:
                return [await self._ask(ctx, step, again=True)] if len(norm.split()) <= 3 else None
            profile = dataclasses.replace(profile, level=level)
        elif step is Step.PROFILE_REMOTE:
            pref = parse_remote(text)
            if pref is None:
                return [await self._ask(ctx, step, again=True)] if len(norm.split()) <= 3 else None
            profile = dataclasses.replace(profile, remote=pref)
        else:
            if "?" in text or len(text) > MAX_LOCATION_CHARS:
                return None
            profile = dataclasses.replace(profile, location=None if skip else text.strip(" ."))
        return [await self._advance(ctx, step, profile)]

    def unavailable(self, ctx: Context) -> list[Reply] | None:
        return [Reply(blocks=(para("I can't reach my database right now, so I couldn't save "
                                   "your profile. Please try again in a few minutes."),),
                      intent="profile", confidence=1.0, private=True)]

    async def _action(self, ctx: Context, action: ProfileAction) -> Reply:
        profile = await ctx.profile()
        match action:
            case EditProfile():
                return await self._ask(ctx, Step.PROFILE_SKILLS)
            case SetLevel(level=level):
                return await self._advance(ctx, Step.PROFILE_LEVEL,
                                           dataclasses.replace(profile, level=level))
            case SetRemote(remote=remote):
                return await self._advance(ctx, Step.PROFILE_REMOTE,
                                           dataclasses.replace(profile, remote=remote))
            case SkipStep(step=step):
                return await self._advance(ctx, step, profile)

    async def _advance(self, ctx: Context, step: Step, profile: Profile) -> Reply:
        nxt = next_step(step)
        if nxt is Step.PROFILE_LOCATION and profile.remote is RemotePreference.REMOTE:
            nxt = None
        # No step is pending until the answer is stored (the flow ends if it cannot be).
        ctx.update(pending=None)
        if nxt is None:
            return await self._save(ctx, profile, "Your profile is set.")
        await self._store(ctx, profile)
        return await self._ask(ctx, nxt)

    async def _ask(self, ctx: Context, step: Step, *, again: bool = False) -> Reply:
        ctx.update(pending=step, last_topic=None)
        prefix = "Sorry, I didn't get that. " if again else ""
        skip = Button(label="Skip", action=SkipStep(step=step).encode())
        if step is Step.PROFILE_SKILLS:
            text = ("Which skills do you have? List them separated by commas, e.g. “Python, "
                    "PostgreSQL, Docker”.")
            buttons: tuple[Button, ...] = (skip,)
        elif step is Step.PROFILE_LEVEL:
            text = "What level are you at?"
            buttons = (*(Button(label=lv.value.capitalize(), action=SetLevel(level=lv).encode())
                         for lv in Level), skip)
        elif step is Step.PROFILE_REMOTE:
            text = "Do you want to work remotely?"
            buttons = tuple(
                Button(label=label, action=SetRemote(remote=pref).encode())
                for label, pref in (("Remote", RemotePreference.REMOTE),
                                    ("Hybrid", RemotePreference.HYBRID),
                                    ("On-site", RemotePreference.ONSITE),
                                    ("No preference", RemotePreference.ANY))
            )
        else:
            text = "Where do you want to work (a city or country)? Say “skip” for anywhere."
            buttons = (skip,)
        return Reply(blocks=(para(prefix + text),), buttons=buttons, intent="profile",
                     confidence=1.0, private=True)

    async def _store(self, ctx: Context, profile: Profile) -> None:
        await ctx.storage().profiles.save(ctx.message.platform, ctx.message.user_id, profile)
        ctx.remember_profile(profile)

    async def _save(self, ctx: Context, profile: Profile, headline: str) -> Reply:
        await self._store(ctx, profile)
        shown = describe(profile)
        return dataclasses.replace(shown, blocks=(para(headline), *shown.blocks))

