"""A person's profile (skills, level, years, remote wish, places): guided flow, one line, plain
words with corrections, each change confirmed in one line with an Undo button."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping
from typing import Any

from bot.actions import (
    MAX_CHANGE,
    EditProfile,
    ProfileAction,
    RunCommand,
    SetLevel,
    SetRemote,
    SkipStep,
    UndoProfile,
)
from bot.flows import PROFILE_FLOW, Step, next_step
from bot.handlers.base import BaseHandler
from bot.handlers.openings import ASKED
from bot.intents import (
    INTENTS,
    PROFILE_FIELD,
    PROFILE_TOLD,
    SURE,
    UNDO,
    request_part,
    requests_openings,
    told_at,
    told_part,
)
from bot.markup import Block, Bold, Text, para
from bot.markup import bullets as bullet_list
from bot.messages import Button, Reply
from bot.openings import Level
from bot.ports import Profile, RemotePreference
from bot.profiles import MAX_LOCATION_CHARS, MAX_PLACES, MAX_SKILLS, Statement, read_statement
from bot.routing import Context
from bot.skills import SkillVocabulary
from bot.text import bare, normalize, words_re
from bot.vocabulary import (
    LEVEL_NAMES,
    Reading,
    find_level,
    find_skills,
    place_label,
    remote_wish,
    years_of_experience,
)

MAX_SKILL_CHARS = 40
# Skills the one-line summary names before "and N more".
SUMMARY_SKILLS = 8
# Where the last change's undo lives in the conversation: {"change": n, "before": profile}.
UNDO_KEY = "profile_undo"

_STATEMENT = re.compile(
    r"^(?:so |well |ok |okay |hi |hello )?(?:i know|i(?:'m| am) (?:good|skilled|experienced|"
    r"proficient|fluent) (?:at|in|with)|my (?:skills?|stack|tech stack) (?:are|is|includes?)|"
    r"my skills?:|i (?:work|code|program|develop) (?:with|in)|"
    r"i (?:have|got) (?:\d+ years? (?:of )?)?experience (?:with|in)|"
    r"i(?:'m| am) (?:an? )?(?:" + LEVEL_NAMES + r")(?![\w])"
    r"|i use|i(?:'ve| have) (?:worked|been working) with|i can (?:code|program|write) (?:in )?)"
)
_PROFILE_WORDS = words_re(r"(?:my|set|update|edit|change|show|see|view) (?:my )?profile",
                          r"profile")
_QUESTION = words_re(r"what", r"how", r"which", r"should", r"why", r"can you", r"could you")
# A question about the profile shows it ("what's my level?"); it changes nothing.
_ASKS = re.compile(r"^(?:what|which|how|why|where|when|who|whats|what's)\b")
# A question about the person names them; one that does not is about something else.
_ABOUT_ME = words_re(r"i", r"i'm", r"im", r"i've", r"my", r"me", r"mine", r"myself", r"profile")
_NOT_MINE = 0.4
# Intents said so surely that a reply to the skills question is not a list of skills.
_ELSEWHERE = tuple(i for i in INTENTS if i != "profile")
_SKIP = words_re(r"skip", r"none", r"no preference", r"don'?t care", r"any", r"either",
                 r"anywhere", r"whatever", r"pass", r"next")
# A "+" joins a list ("aws + terraform") unless it ends a name ("c++").
_SPLIT = re.compile(r"\s*(?:,|/|(?<!\+)\+(?!\+)(?=\s*\w)|\band\b|&|;|\n)\s*")
_PLACES_SPLIT = re.compile(r"\s*(?:,|/|\+|\band\b|\bor\b|&|\n)\s*", re.IGNORECASE)
_KEY = re.compile(r"^(skills?|stack|level|seniority|remote|work|years?|experience|locations?|"
                  r"cit(?:y|ies)|places?|where)\b\s*[:=]?\s*(.*)$", re.DOTALL)


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


def parse_places(text: str) -> tuple[str, ...]:
    """The places in a reply to "Where do you want to work?" ("Berlin or Munich"); none for
    "skip", "anywhere" or a work mode."""
    places: dict[str, str] = {}
    for item in _PLACES_SPLIT.split(text.strip()):
        item = item.strip(" .!?\"'").strip()
        if (not item or len(item) > MAX_LOCATION_CHARS or _SKIP.fullmatch(normalize(item))
                or remote_wish(item, Reading.ANSWER) is not None):
            continue
        places.setdefault(normalize(item), place_label(item))
    return tuple(places.values())[:MAX_PLACES]


def left_out(text: str, kind: str) -> str | None:
    """What a list of skills or places loses to the profile's bounds, said plainly ("A place
    can be at most 80 characters, so I left out “Frankfurt am Main Fra…”."), or None."""
    split, chars, most = ((_SPLIT, MAX_SKILL_CHARS, MAX_SKILLS) if kind == "skill"
                          else (_PLACES_SPLIT, MAX_LOCATION_CHARS, MAX_PLACES))
    items = [i for i in (x.strip(" .!?\"'").strip() for x in split.split(text.strip())) if i]
    long = [i for i in items if len(i) > chars]
    notes: list[str] = []
    if long:
        more = f" and {len(long) - 1} more" if len(long) > 1 else ""
        notes.append(f"A {kind} can be at most {chars} characters, so I left out "
                     f"“{long[0][:24].rstrip()}…”{more}.")
    if len(items) - len(long) > most:
        notes.append(f"I keep up to {most} {kind}s: the first {most} you gave.")
    return " ".join(notes) or None


def parse_line(text: str, vocab: SkillVocabulary, base: Profile
               ) -> tuple[Profile, list[str], list[str]]:
    """The one-line form "skills a, b; level senior; remote yes; location Berlin or Munich".

    Returns the new profile, the segments it could not read, and what it left out (see
    left_out).
    """
    profile = base
    problems: list[str] = []
    notes: list[str] = []
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
            notes += filter(None, [left_out(value, "skill")])
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
                profile = dataclasses.replace(profile, remote=pref, remote_from=False)
        elif key in ("year", "years", "experience"):
            years = years_of_experience(value + " years" if value.isdigit() else value,
                                        Reading.ANSWER)
            if years is None and not _SKIP.search(normalize(value)):
                problems.append(segment)
            else:
                profile = dataclasses.replace(profile, years=years)
        else:
            notes += filter(None, [left_out(value, "place")])
            profile = dataclasses.replace(profile, locations=parse_places(value),
                                          remote_from=False)
    return profile, problems, notes


def where(profile: Profile) -> str:
    """The remote wish and places in words, as they combine (see Profile)."""
    places = " or ".join(profile.locations)
    if profile.remote_from and places:
        return f"remote, from {places}"
    match profile.remote, bool(places):
        case RemotePreference.REMOTE, False:
            return "remote only"
        case RemotePreference.REMOTE, True:
            return f"remote, or in {places}"
        case RemotePreference.HYBRID, False:
            return "hybrid or remote"
        case RemotePreference.HYBRID, True:
            return f"hybrid in {places}, or remote"
        case RemotePreference.ONSITE, False:
            return "on-site or hybrid"
        case RemotePreference.ONSITE, True:
            return f"on-site or hybrid in {places}"
        case _, True:
            return f"in {places}, or remote"
    return "anywhere, remote or not"


def _level_words(profile: Profile) -> str | None:
    level = profile.seniority
    if level is None:
        return None
    return level.value if profile.level else f"{level.value} (from your years)"


def _years_words(years: int) -> str:
    return f"{years} year{'s' if years != 1 else ''} of experience"


def summary(profile: Profile) -> str:
    """The profile in one short line: skills; level; years; where."""
    skills = ", ".join(profile.skills[:SUMMARY_SKILLS]) or "no skills yet"
    if len(profile.skills) > SUMMARY_SKILLS:
        skills += f" and {len(profile.skills) - SUMMARY_SKILLS} more"
    parts = [skills]
    if (level := _level_words(profile)) is not None:
        parts.append(level)
    if profile.years is not None:
        parts.append(_years_words(profile.years))
    if profile.remote is not RemotePreference.ANY or profile.locations:
        parts.append(where(profile))
    return "; ".join(parts)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


_MODE_WORDS = {RemotePreference.REMOTE: "remote", RemotePreference.HYBRID: "hybrid",
               RemotePreference.ONSITE: "on-site", RemotePreference.ANY: "any way of working"}


def change(old: Profile, new: Profile) -> str:
    """What changed from old to new, in a few words ("added Docker; Munich instead of Berlin")."""
    parts: list[str] = []
    added = [s for s in (*new.skills, *new.unknown_skills)
             if s not in old.skills and s not in old.unknown_skills]
    removed = [s for s in (*old.skills, *old.unknown_skills)
               if s not in new.skills and s not in new.unknown_skills]
    if added:
        parts.append("added " + _listed(added))
    if removed:
        parts.append("removed " + _listed(removed))
    if new.level != old.level:
        parts.append(f"level {new.level.value}" if new.level else "level removed")
    if new.years != old.years:
        parts.append(_years_words(new.years) if new.years is not None else "years removed")
    if new.remote is not old.remote:
        parts.append(_MODE_WORDS[new.remote])
    came = [p for p in new.locations if p not in old.locations]
    went = [p for p in old.locations if p not in new.locations]
    if came and went:
        parts.append(f"{_listed(came)} instead of {_listed(went)}")
    elif came:
        parts.append(("place " if len(came) == 1 else "places ") + _listed(came))
    elif went:
        parts.append("removed " + _listed(went))
    text = "; ".join(parts) or "saved"
    return text[0].upper() + text[1:]


def snapshot(profile: Profile) -> dict[str, Any]:
    """The profile as conversation data (JSON), for Undo."""
    return {"skills": list(profile.skills), "unknown_skills": list(profile.unknown_skills),
            "level": profile.level.value if profile.level else None,
            "remote": profile.remote.value, "locations": list(profile.locations),
            "years": profile.years, "remote_from": profile.remote_from}


def restore(data: Mapping[str, Any]) -> Profile:
    """A snapshot back; what another release wrote and this one cannot read is left out."""
    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key)
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    level = data.get("level")
    remote = data.get("remote")
    years = data.get("years")
    return Profile(
        skills=strings("skills"), unknown_skills=strings("unknown_skills"),
        level=Level(level) if level in set(Level) else None,
        remote=RemotePreference(remote) if remote in set(RemotePreference)
        else RemotePreference.ANY,
        locations=strings("locations"),
        years=years if isinstance(years, int) and not isinstance(years, bool) else None,
        remote_from=data.get("remote_from") is True,
    )


def describe(profile: Profile) -> Reply:
    if profile.is_empty:
        return Reply(
            blocks=(para("You have no profile yet. Tell me your skills, level and whether you "
                         "want remote work, and I'll match openings to you."),),
            buttons=(Button(label="Set up my profile", action=EditProfile().encode()),),
            intent="profile", confidence=1.0, private=True,
        )
    items = [
        (Bold("Skills: "), Text(", ".join(profile.skills) or "none yet")),
        (Bold("Level: "), Text(_level_words(profile) or "not set")),
        (Bold("Experience: "), Text(_years_words(profile.years) if profile.years is not None
                                    else "not set")),
        (Bold("Where: "), Text(where(profile))),
    ]
    blocks: list[Block] = [para("Your profile:"), bullet_list(items)]
    if profile.unknown_skills:
        blocks.append(_unknown_note(profile))
    blocks.append(para("Change it in plain words (“I also know Docker”, “remove Kubernetes”, "
                       "“I meant Munich, not Berlin”) or in one line, e.g. /profile skills "
                       "python, postgres; level senior; remote yes; location Berlin or Munich"))
    return Reply(
        blocks=tuple(blocks),
        buttons=(Button(label="Find jobs for me", action=RunCommand(name="jobs").encode()),
                 Button(label="Edit step by step", action=EditProfile().encode())),
        intent="profile", confidence=1.0, private=True,
    )


def _unknown_note(profile: Profile) -> Block:
    return para("I don't know these skills, so they don't count when matching yet (kept as you "
                "typed them): " + ", ".join(profile.unknown_skills) + ".")


class ProfileHandler(BaseHandler):
    """The profile in plain words, one line, or step by step (the flow is in bot/flows.py)."""

    intent = "profile"
    commands = ("profile",)
    actions = (EditProfile, SetLevel, SetRemote, SkipStep, UndoProfile)
    steps = PROFILE_FLOW

    def score(self, ctx: Context) -> float:
        score = ctx.intents()["profile"]
        if _ASKS.match(ctx.norm) and not _ABOUT_ME.search(ctx.norm):
            # "what's the level?" asks about something else (an opening shown, a topic).
            return min(score, _NOT_MINE)
        return score

    async def handle(self, ctx: Context) -> list[Reply]:
        if isinstance(ctx.action, ProfileAction):
            return [await self._action(ctx, ctx.action)]
        profile = await ctx.profile()
        if ctx.command is None:
            if UNDO.fullmatch(bare(normalize(ctx.text))):
                entry = ctx.state.data.get(UNDO_KEY)
                number = entry.get("change") if isinstance(entry, Mapping) else None
                return [await self._undo(ctx, profile, number if isinstance(number, int) else 0)]
            if PROFILE_FIELD.match(normalize(ctx.text)):
                return [await self._line(ctx, PROFILE_FIELD.sub(r"\1 \2", ctx.text.strip()),
                                         profile)]
            return await self._plain_words(ctx, ctx.text, profile)
        args = ctx.text.strip()
        if not args:
            if profile.is_empty:
                return [await self._start(ctx, profile)]
            return [describe(profile)]
        if normalize(args) in ("edit", "start", "setup", "set up", "change"):
            return [await self._start(ctx, profile)]
        if normalize(args) in ("clear", "reset", "delete"):
            return [await self._change(ctx, profile, Profile(), headline="Your profile is cleared")]
        if _KEY.match(normalize(args)):
            return [await self._line(ctx, args, profile)]
        # A bare list ("python, go") sets the skills; anything more is said in plain words.
        statement = read_statement(args, ctx.kb.skills, profile)
        if _STATEMENT.match(normalize(args)) or _ASKS.match(normalize(args)) \
                or not dataclasses.replace(statement, add_skills=()).is_empty:
            return await self._plain_words(ctx, args, profile)
        skills, unknown = parse_skills(args, ctx.kb.skills)
        return [_noted(await self._change(ctx, profile, dataclasses.replace(
            profile, skills=skills, unknown_skills=unknown)), left_out(args, "skill"))]

    async def _line(self, ctx: Context, line: str, profile: Profile) -> Reply:
        """The one-line form ("skills python, go; level senior")."""
        new, problems, notes = parse_line(line, ctx.kb.skills, profile)
        reply = await self._change(ctx, profile, new)
        if problems:
            notes.insert(0, "I couldn't read: " + "; ".join(problems) + ". Write e.g. "
                         "“level senior”, “remote yes|no|hybrid|any”, “location Berlin”, "
                         "“years 5”.")
        return _noted(reply, *notes)

    async def _plain_words(self, ctx: Context, text: str, profile: Profile) -> list[Reply]:
        """A statement or correction in plain words; a question, or nothing to read, shows it.

        Told together with a request ("I'm a senior go dev in Berlin, anything for me?"), the
        profile is changed first and the openings for it follow, the confirmation after them.
        """
        wants = ctx.command is None and requests_openings(text, ctx.kb)
        # What is asked for ("anything remote?") filters the openings; who one is is kept.
        statement = read_statement(told_part(text) if wants else text, ctx.kb.skills, profile)
        if statement.is_empty or _ASKS.match(normalize(text)):
            if wants:
                return await self._openings(ctx)
            return [await self._start(ctx, profile) if profile.is_empty else describe(profile)]
        new = statement.apply(profile)
        if new == profile:
            if wants:
                return await self._openings(ctx)
            return [Reply(blocks=(para(_unchanged(statement, profile)),), buttons=(_jobs_button(),),
                          intent="profile", confidence=1.0, private=True)]
        reply = await self._change(ctx, profile, new)
        return [*await self._openings(ctx), reply] if wants else [reply]

    @staticmethod
    async def _openings(ctx: Context) -> list[Reply]:
        # The level told is the profile's and only ranks ("I'm a mid python dev, anything?" does
        # not ask for mid-level openings only).
        ctx.cache[ASKED] = request_part(ctx.text)
        return await ctx.bot.answer(ctx.bot.command_handler("jobs"), ctx)

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
        note: str | None = None
        # Whatever else the answer says about the person is kept too ("I'm senior, python and
        # go" to the skills question), and the steps it answered are not asked again.
        stated = Statement() if skip else read_statement(text, ctx.kb.skills, profile)
        if step is Step.PROFILE_SKILLS:
            if "?" in text and "," not in text:
                return None  # a question, not an answer: answer it normally
            if not skip and not dataclasses.replace(stated, add_skills=()).is_empty:
                # The skills named answer the question: they replace the old ones, as a list does.
                base = dataclasses.replace(profile, skills=(), unknown_skills=()) \
                    if stated.add_skills else profile
                profile = stated.apply(base)
            elif not skip:
                skills, unknown = parse_skills(text, ctx.kb.skills)
                if not skills and ctx.intents().best(_ELSEWHERE)[1] >= SURE:
                    return None  # "thanks for the help" is no list of skills
                note = left_out(text, "skill")
                if not skills and not unknown:
                    return [_noted(await self._ask(ctx, step, again=True), note)]
                profile = dataclasses.replace(profile, skills=skills, unknown_skills=unknown)
        elif step is Step.PROFILE_LEVEL:
            level = parse_level(text)
            if level is None and not skip and stated.is_empty:
                return [await self._ask(ctx, step, again=True)] if len(norm.split()) <= 3 else None
            profile = stated.apply(profile)
            if level is not None or skip:
                profile = dataclasses.replace(profile, level=level)
        elif step is Step.PROFILE_REMOTE:
            pref = parse_remote(text)
            if pref is None and stated.is_empty:
                return [await self._ask(ctx, step, again=True)] if len(norm.split()) <= 3 else None
            profile = stated.apply(profile)
            if pref is not None:
                profile = dataclasses.replace(profile, remote=pref, remote_from=False)
        else:
            if "?" in text or len(text) > MAX_LOCATION_CHARS * 2:
                return None
            besides = dataclasses.replace(stated, add_places=(), remove_places=(),
                                          clear_places=False, more_places=False)
            profile = dataclasses.replace(besides.apply(profile),
                                          locations=() if skip else parse_places(text),
                                          remote_from=False)
            note = None if skip else left_out(text, "place")
        answered = {Step.PROFILE_LEVEL: stated.level is not None,
                    Step.PROFILE_REMOTE: stated.remote is not None,
                    Step.PROFILE_LOCATION: bool(stated.add_places)}
        return [_noted(await self._advance(ctx, step, profile,
                                           answered={s for s, done in answered.items() if done}),
                       note)]

    def unavailable(self, ctx: Context) -> list[Reply] | None:
        return [Reply(blocks=(para("I can't reach my database right now, so I couldn't save "
                                   "your profile. Please try again in a few minutes."),),
                      intent="profile", confidence=1.0, private=True)]

    async def _action(self, ctx: Context, action: ProfileAction) -> Reply:
        profile = await ctx.profile()
        match action:
            case EditProfile():
                return await self._start(ctx, profile)
            case SetLevel(level=level):
                return await self._advance(ctx, Step.PROFILE_LEVEL,
                                           dataclasses.replace(profile, level=level))
            case SetRemote(remote=remote):
                return await self._advance(ctx, Step.PROFILE_REMOTE,
                                           dataclasses.replace(profile, remote=remote,
                                                               remote_from=False))
            case SkipStep(step=step):
                return await self._advance(ctx, step, profile)
            case UndoProfile(change=number):
                return await self._undo(ctx, profile, number)

    async def _start(self, ctx: Context, profile: Profile) -> Reply:
        """The guided flow; its end can be undone back to the profile it started from."""
        self._remember(ctx, profile, flow=True)
        return await self._ask(ctx, Step.PROFILE_SKILLS)

    async def _advance(self, ctx: Context, step: Step, profile: Profile, *,
                       answered: Collection[Step] = ()) -> Reply:
        nxt = next_step(step)
        while nxt is not None and nxt in answered:
            nxt = next_step(nxt)
        if nxt is Step.PROFILE_LOCATION and profile.remote is RemotePreference.REMOTE:
            nxt = None
        # No step is pending until the answer is stored (the flow ends if it cannot be).
        ctx.update(pending=None)
        if nxt is None:
            await self._store(ctx, profile)
            entry = ctx.state.data.get(UNDO_KEY)
            if not (isinstance(entry, Mapping) and entry.get("flow")):
                self._remember(ctx, None)  # a flow not begun here has nothing to go back to
            return self._confirm(ctx, "Your profile is set", profile)
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
            text = ("Where do you want to work (a city or country, or several: “Berlin or "
                    "Munich”)? Say “skip” for anywhere.")
            buttons = (skip,)
        return Reply(blocks=(para(prefix + text),), buttons=buttons, intent="profile",
                     confidence=1.0, private=True)

    async def _store(self, ctx: Context, profile: Profile) -> None:
        await ctx.storage().profiles.save(ctx.message.platform, ctx.message.user_id, profile)
        ctx.remember_profile(profile)

    async def _change(self, ctx: Context, old: Profile, new: Profile, *,
                      headline: str | None = None) -> Reply:
        """Save new, keep old for Undo, and say what changed in one line."""
        await self._store(ctx, new)
        self._remember(ctx, old)
        reply = self._confirm(ctx, headline or change(old, new), new)
        added = [s for s in new.unknown_skills if s not in old.unknown_skills]
        if added:
            reply = dataclasses.replace(reply, blocks=(*reply.blocks, _unknown_note(new)))
        return reply

    @staticmethod
    def _remember(ctx: Context, before: Profile | None, *, flow: bool = False) -> None:
        """The profile before a change (None: none to go back to) under a new change number,
        so an older Undo button undoes nothing newer."""
        entry = ctx.state.data.get(UNDO_KEY)
        last = entry.get("change") if isinstance(entry, Mapping) else None
        new: dict[str, Any] = {"change": last % MAX_CHANGE + 1 if isinstance(last, int) else 1}
        if before is not None:
            new["before"] = snapshot(before)
        if flow:
            new["flow"] = True
        ctx.set_data(**{UNDO_KEY: new})

    @staticmethod
    def _confirm(ctx: Context, headline: str, profile: Profile) -> Reply:
        ctx.set_data(**{PROFILE_TOLD: told_at(ctx.state)})
        entry = ctx.state.data.get(UNDO_KEY)
        buttons = [_jobs_button()]
        if isinstance(entry, Mapping) and isinstance(entry.get("change"), int) \
                and "before" in entry:
            buttons.insert(0, Button(label="Undo",
                                     action=UndoProfile(change=entry["change"]).encode()))
        return Reply(blocks=(para(f"{headline}. Your profile: {summary(profile)}."),),
                     buttons=tuple(buttons), intent="profile", confidence=1.0, private=True)

    async def _undo(self, ctx: Context, profile: Profile, number: int) -> Reply:
        entry = ctx.state.data.get(UNDO_KEY)
        if not (isinstance(entry, Mapping) and entry.get("change") == number
                and isinstance(entry.get("before"), Mapping)):
            return Reply(blocks=(para("There's nothing to undo there: that change was undone "
                                      "already or changed again since. Your profile: "
                                      f"{summary(profile)}."),),
                         buttons=(_jobs_button(),), intent="profile", confidence=1.0,
                         private=True)
        before = restore(entry["before"])
        await self._store(ctx, before)
        ctx.update(pending=None)
        ctx.set_data(**{UNDO_KEY: {"change": number}})
        return Reply(blocks=(para(f"Undone. Your profile: {summary(before)}."),),
                     buttons=(_jobs_button(),), intent="profile", confidence=1.0, private=True)


def _noted(reply: Reply, *notes: str | None) -> Reply:
    """The reply after a paragraph for each note (what was not read or not kept)."""
    shown = tuple(para(n) for n in notes if n)
    return dataclasses.replace(reply, blocks=(*shown, *reply.blocks)) if shown else reply


def _unchanged(statement: Statement, profile: Profile) -> str:
    """Why a statement changed nothing: what it takes away is not there, or what it gives is."""
    absent = [s for s in (*statement.remove_skills, *statement.remove_places)
              if normalize(s) not in {normalize(h) for h in (*profile.skills, *profile.unknown_skills,
                                                              *profile.locations)}]
    if absent and not (statement.add_skills or statement.add_places):
        return f"{_listed(absent)} {'is' if len(absent) == 1 else 'are'} not in your profile. " \
               f"Your profile: {summary(profile)}."
    return f"That's in your profile already: {summary(profile)}."


def _jobs_button() -> Button:
    return Button(label="Find jobs for me", action=RunCommand(name="jobs").encode())
