"""Intents: examples held out per fold, cues without a model, the conversation's say, and routing."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
import yaml

from adapters.bootstrap import build_bot
from bot.dialogue import Bot
from bot.encoder import OnnxEncoder, Vectors
from bot.intents import FOLLOW_UPS, INTENTS, NONE, IntentClassifier, Situation, embedders, is_negative
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.memory import MemoryStore
from bot.messages import Reply
from tests.factories import message
from tests.fakes.encoders import CountingEncoder

FOLDS = 5


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="module")
def vectors(shipped: KnowledgeBase, encoder: OnnxEncoder) -> dict[str, Vectors]:
    """Every example and topic question, embedded once (the same cache the bot uses)."""
    examples = [e for i in shipped.intents.values() for e in i.examples]
    questions = [q for t in shipped.topics.values() for q in t.questions]
    embed, embed_questions = embedders(shipped, encoder)
    return {**dict(zip(examples, embed(examples), strict=True)),
            **dict(zip(questions, embed_questions(questions), strict=True))}


def said_in(intent: str) -> list[Situation]:
    """The situations an intent is said in: follow-ups after an answer, ratings after one or
    not, questions about an opening under a list of them, everything else after either."""
    if intent in FOLLOW_UPS:
        return [Situation(topic="docker")]
    if intent == "feedback":
        return [Situation(topic="docker"), Situation()]
    if intent == "opening":
        return [Situation(openings_shown=True)]
    return [Situation(topic="docker"), Situation(openings_shown=True)]


def read_as(classifier: IntentClassifier, text: str, situation: Situation,
            vectors: dict[str, Vectors] | None = None) -> str | None:
    scores = classifier.classify(text, situation, lambda: vectors[text] if vectors else None)
    name, score = scores.best(INTENTS)
    return name if score >= 0.5 else None


def test_examples_held_out_per_fold_are_recognised(shipped: KnowledgeBase,
                                                   vectors: dict[str, Vectors]) -> None:
    # The examples of NONE (small talk, other subjects) must come out as no intent.
    examples = [(name, e) for name, i in shipped.intents.items() for e in i.examples]
    questions = [q for t in shipped.topics.values() for q in t.questions]
    rng = random.Random(11)
    fold_of = [i % FOLDS for i in range(len(examples))]
    rng.shuffle(fold_of)
    question_fold = [i % FOLDS for i in range(len(questions))]
    rng.shuffle(question_fold)
    right: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    misses: list[tuple[str, str, str | None]] = []
    taken = 0
    for fold in range(FOLDS):
        train: dict[str, list[str]] = defaultdict(list)
        for (name, text), f in zip(examples, fold_of, strict=True):
            if f != fold:
                train[name].append(text)
        contrast = [q for q, f in zip(questions, question_fold, strict=True) if f != fold]
        classifier = IntentClassifier(train, contrast=contrast, kb=shipped,
                                      embed=lambda texts: np.vstack([vectors[t] for t in texts]))
        assert classifier.semantic
        for (name, text), f in zip(examples, fold_of, strict=True):
            if f != fold:
                continue
            for situation in said_in(name):
                got = read_as(classifier, text, situation, vectors) or NONE
                asked[name] += 1
                right[name] += got == name
                if got != name:
                    misses.append((name, text, got))
        for q, f in zip(questions, question_fold, strict=True):
            taken += f == fold and read_as(classifier, q, Situation(), vectors) is not None
    per_intent = {name: right[name] / asked[name] for name in (*INTENTS, NONE)}
    overall = sum(right.values()) / sum(asked.values())
    assert overall >= 0.9, (overall, per_intent, misses)
    assert min(per_intent.values()) >= 0.75, (per_intent, misses)
    # A question about a topic is rarely read as an intent (the topic's confidence decides then).
    assert taken / len(questions) <= 0.05, taken


@pytest.mark.parametrize("text,situation,intent", [
    ("hi there!", Situation(), "greeting"),
    ("thanks a lot", Situation(topic="docker"), "thanks"),
    ("how do I use this bot?", Situation(), "help"),
    ("which topics do you cover", Situation(), "topics"),
    ("any remote python jobs?", Situation(), "openings"),
    ("is the second one remote?", Situation(openings_shown=True), "opening"),
    ("I know go and postgres", Situation(), "profile"),
    ("notify me about new rust jobs", Situation(), "subscribe"),
    ("stop sending me job alerts", Situation(), "unsubscribe"),
    ("please delete my data", Situation(), "forget"),
    ("what do you know about me", Situation(), "mydata"),
    ("that was not helpful", Situation(topic="docker"), "feedback"),
    ("tell me more", Situation(topic="docker"), "more"),
    ("example?", Situation(topic="docker"), "example"),
    ("why?", Situation(topic="docker"), "why"),
    ("any downsides?", Situation(topic="docker"), "downsides"),
    ("explain it simpler", Situation(topic="docker"), "simpler"),
    # A "no" before what alerts do stops them, however much the rest reads like a subscription.
    ("don't send me any more job alerts", Situation(), "unsubscribe"),
    ("I never want to hear about new openings again", Situation(), "unsubscribe"),
    ("no more job emails, thanks", Situation(), "unsubscribe"),
    ("i'm done with the job alerts", Situation(), "unsubscribe"),
    ("no job alerts for me please", Situation(), "unsubscribe"),
    # Deleting what is stored, not asking what it is.
    ("get rid of everything you know about me", Situation(), "forget"),
    ("what have you got on me", Situation(), "mydata"),
    # A rating, said with thanks or naming the subject meant, is a rating; thanks alone are thanks.
    ("this helped a lot, thanks", Situation(), "feedback"),
    ("super clear, cheers", Situation(topic="docker"), "feedback"),
    ("wrong topic, I asked about kafka", Situation(topic="docker",
                                                   subjects=frozenset({"message-queues"})), "feedback"),
    ("I was asking about kubernetes, not docker", Situation(topic="docker"), "feedback"),
    ("great, thanks!", Situation(topic="docker"), "thanks"),
    ("bad bot", Situation(), "feedback"),
    ("thanks, now I get it", Situation(openings_shown=True), "thanks"),
    # Words that rate, about the thing asked rather than the answer; someone's own system.
    ("my query returns the wrong rows", Situation(), None),
    ("my cat is useless", Situation(), None),
    ("it's a nice day", Situation(), None),
    ("is redis useful for caching sessions?", Situation(subjects=frozenset({"performance-optimization"})),
     None),
    ("how do I let users unsubscribe from emails in my app", Situation(), None),
    ("what is a message queue", Situation(), None),
    ("how do I prepare for a job interview", Situation(), None),
    ("translate hello into french", Situation(), None),
    ("how do I send weekly emails to my users", Situation(), None),
    ("the build output is wrong", Situation(), None),
    ("is java too basic for backend work?", Situation(), None),
    # small talk: laughing, the bot itself, a mood (not "good day", a greeting)
    ("lol", Situation(topic="docker"), "smalltalk"), ("haha ok", Situation(), "smalltalk"),
    ("are you a bot?", Situation(), "smalltalk"), ("who made you", Situation(), "smalltalk"),
    ("you're funny", Situation(openings_shown=True), "smalltalk"), ("ugh mondays", Situation(), "smalltalk"),
    ("good day to you, sir", Situation(), "greeting"), ("how are you btw", Situation(), "greeting"),
    ("are you good at explaining kafka?", Situation(subjects=frozenset({"message-queues"})), None),
    # a typo of an intent's word in a short message; between two, the one with a letter doubled
    ("subscibe me", Situation(), "subscribe"), ("forgt me", Situation(), "forget"),
    ("tahnks", Situation(), "thanks"), ("hellp", Situation(), "help"), ("helo", Situation(), "greeting"),
    ("I forgot my password", Situation(), None),
    # thanks beside an exclamation are thanks; beside a verdict on the answer, a rating
    ("ok brilliant, thanks mate", Situation(topic="docker"), "thanks"),
    ("ok good, thanks", Situation(topic="docker"), "thanks"),
    ("good explanation, thx", Situation(topic="docker"), "feedback"),
    # stopping alerts is not deleting what is stored, and the other way round
    ("stop sending me these", Situation(openings_shown=True), "unsubscribe"),
    ("take me off the list", Situation(), "unsubscribe"),
    ("delete everything you know about me", Situation(), "forget"),
    ("ping me when there are more like these", Situation(openings_shown=True), "subscribe"),
    ("tell me if it is remote", Situation(openings_shown=True), "opening"),
    ("k bye", Situation(topic="docker"), "thanks"), ("ugh, too long", Situation(topic="docker"), "feedback"),
    ("the page takes too long to load", Situation(), None),
])
def test_without_an_encoder_the_cues_still_decide(shipped: KnowledgeBase, text: str,
                                                  situation: Situation, intent: str | None) -> None:
    lexical = IntentClassifier.for_knowledge(shipped)
    assert not lexical.semantic
    assert read_as(lexical, text, situation) == intent


@pytest.mark.parametrize("text,situation,intent", [
    # A follow-up needs a subject; "it" needs openings on screen. A rating is one without an
    # answer to rate too (a new chat, a restart): its handler says so.
    ("that was not helpful", Situation(), "feedback"),
    ("any downsides?", Situation(), None),
    ("is the second one remote?", Situation(), None),
    # A message naming its own subject is no follow-up on the current one...
    ("and kubernetes?", Situation(topic="docker", subjects=frozenset({"kubernetes"})), None),
    # ... but naming the current subject still is.
    ("give me a docker example", Situation(topic="docker", subjects=frozenset({"docker"})), "example"),
])
def test_the_conversation_decides_what_a_message_can_mean(
    shipped: KnowledgeBase, text: str, situation: Situation, intent: str | None
) -> None:
    assert read_as(IntentClassifier.for_knowledge(shipped), text, situation) == intent


@pytest.fixture
def store(shipped: KnowledgeBase) -> MemoryStore:
    return MemoryStore(list(shipped.openings))


@pytest.fixture
def counting(encoder: OnnxEncoder) -> CountingEncoder:
    return CountingEncoder(encoder)


@pytest.fixture
def bot(shipped: KnowledgeBase, store: MemoryStore, encoder: OnnxEncoder) -> Bot:
    return build_bot(shipped, store.uow, encoder=encoder)


async def say(bot: Bot, text: str, **kw: object) -> Reply:
    (reply, *_) = await bot.handle(message(text, **kw))  # type: ignore[arg-type]
    return reply


async def test_the_examples_come_from_the_cache_and_each_message_is_encoded_once(
    shipped: KnowledgeBase, store: MemoryStore, counting: CountingEncoder
) -> None:
    bot = build_bot(shipped, store.uow, encoder=counting)
    assert counting.encoded == []  # every example and question was in the cache already
    await say(bot, "who takes on career changers?")
    assert counting.encoded == ["who takes on career changers?"]
    await say(bot, "hi")  # a sure cue needs no model
    assert len(counting.encoded) == 1


async def test_a_question_about_an_opening_never_subscribes(bot: Bot, store: MemoryStore) -> None:
    before = await say(bot, "tell me about the Stripe role")
    assert before.intent != "subscribe" and not store.subscriptions
    listed = await say(bot, "/jobs")
    assert {c.company for c in listed.cards} >= {"Stripe"}
    reply = await say(bot, "tell me about the Stripe role")
    assert reply.intent == "opening" and not store.subscriptions
    assert "Stripe" in reply.text
    poggio = await say(bot, "is the poggio one remote?")
    assert poggio.intent == "opening" and "Poggio" in poggio.text


@pytest.mark.parametrize("text,intents", [
    ("which companies are hiring?", {"openings"}),
    ("what jobs do you have?", {"openings"}),
    ("what topics do you know about", {"topics"}),
    ("I want to go remote with python", {"profile", "openings"}),
    ("what do you store about me?", {"mydata"}),
    ("stop sending me job alerts", {"unsubscribe"}),
    ("thank you so much!", {"thanks"}),
    # hello and thanks as people type them: other languages, shorthand, one typo in one word
    ("buenos dias", {"greeting"}), ("guten morgen!", {"greeting"}), ("gm", {"greeting"}),
    ("merci beaucoup", {"thanks"}), ("gracias!", {"thanks"}), ("thnx", {"thanks"}),
    ("thnaks", {"thanks"}), ("helllo", {"greeting"}), ("unsub", {"unsubscribe"}),
    ("I'd like weekly emails with new jobs", {"subscribe"}),
    ("let me know when there's something that fits me", {"subscribe"}),
    ("I want out of the job alerts", {"unsubscribe"}),
    ("what backend topics do you know", {"topics"}),
    ("what should I type here?", {"help"}),
    # with nothing said before, a follow-up asks "more about what?"
    ("can you go deeper", {"more"}),
    # short verdicts and emoji alone rate; beside words an emoji only underlines them
    ("meh", {"feedback"}), ("wrong!", {"feedback"}), ("I already knew that", {"feedback"}),
    ("perfect, that's what I needed", {"feedback"}), ("👍", {"feedback"}), ("🙏", {"thanks"}),
    ("thanks a lot 👍", {"thanks"}),
    ("jobs for python developers", {"openings"}),
    # feedback about the bot, not only a verdict on an answer; praise of a job well done; a
    # sarcastic thanks; openings asked for by what is available
    ("I want to give feedback", {"feedback"}), ("how do I report a bug in the bot?", {"feedback"}),
    ("this bot is amazing", {"feedback"}), ("well done bot", {"feedback"}),
    ("great job bot", {"feedback"}), ("thanks for nothing", {"feedback"}), ("not bad", {"feedback"}),
    ("worst bot ever", {"feedback"}), ("what roles are available", {"openings"}),
    ("8/10", {"feedback"}), ("that was ok I guess", {"feedback"}),
    # a thanks or hello wrapped around a request: the request wins; thanks with a remark stay
    # thanks; complaints about alerts stop them; txt-speak
    ("thanks! now show me go jobs", {"openings"}), ("hi, any python jobs in berlin?", {"openings"}),
    ("thanks, I'll give it a go", {"thanks"}), ("stop spamming me", {"unsubscribe"}),
    ("thnk u", {"thanks"}), ("ur the best", {"thanks"}), ("i dont like this bot", {"feedback"}),
    ("is anyone looking for a golang engineer", {"openings"}),
    # suggestions and bug reports, whatever they name
    ("you should cover graphql federation", {"feedback"}),
    ("could you add kotlin to the topics?", {"feedback"}),
    ("the bot replied twice to my message", {"feedback"}),
])
async def test_intents_said_in_plain_words(bot: Bot, text: str, intents: set[str]) -> None:
    reply = await say(bot, text)
    assert reply.intent in intents and reply.topic is None, (reply.intent, reply.topic)


async def test_follow_ups_stay_on_the_topic_unless_the_message_names_its_own(bot: Bot) -> None:
    assert (await say(bot, "what is docker?")).topic == "docker"
    for text in ("what are the downsides?", "why?", "explain it in simpler words"):
        reply = await say(bot, text)
        assert (reply.intent, reply.topic) == ("more", "docker"), text
    example = await say(bot, "give me an example")
    assert (example.intent, example.topic) == ("more", "docker") and "an example" in example.text
    assert (await say(bot, "and kubernetes?")).topic == "kubernetes"
    jobs = await say(bot, "show me remote jobs with docker")
    assert jobs.intent == "openings"


async def test_thanks_and_ratings_after_an_answer(bot: Bot, store: MemoryStore) -> None:
    await say(bot, "what is docker?")
    assert (await say(bot, "thanks!")).intent == "thanks"
    assert store.feedback == []
    rated = await say(bot, "that was not helpful")
    assert rated.intent == "feedback"
    assert [(f[2], f[3]) for f in store.feedback] == [("docker", False)]


async def test_ok_after_an_answer_is_taken_note_of_not_thanked(bot: Bot, store: MemoryStore) -> None:
    await say(bot, "what is docker?")
    ok = await say(bot, "ok")
    assert ok.intent == "thanks" and store.feedback == []
    assert "welcome" not in ok.text.lower() and "anything else" in ok.text
    assert "welcome" in (await say(bot, "thank you!")).text.lower()


async def test_a_rating_with_no_answer_to_rate_says_so(bot: Bot, store: MemoryStore) -> None:
    bad = await say(bot, "that answer was useless")
    assert bad.intent == "feedback" and store.feedback == []
    assert "which answer" in bad.text and [b.label for b in bad.buttons] == ["Browse topics"]
    good = await say(bot, "this helped me a lot", user="u2")
    assert good.intent == "feedback" and store.feedback == [] and not good.buttons


async def test_wanting_to_give_feedback_is_told_how_and_rates_nothing(bot: Bot, store: MemoryStore) -> None:
    await say(bot, "what is docker?")
    offer = await say(bot, "can I leave some feedback?")
    assert offer.intent == "feedback" and store.feedback == []
    assert "👎 Not helpful" in offer.text and "maintainers" in offer.text
    sarcastic = await say(bot, "thanks for nothing")
    assert [(f[2], f[3]) for f in store.feedback] == [("docker", False)] and sarcastic.buttons
    assert (await say(bot, "not bad at all")).text.startswith("Thanks, glad it helped")


async def test_a_suggestion_or_bug_report_is_kept_for_the_maintainers_as_privately_as_a_question(
        bot: Bot, store: MemoryStore) -> None:
    await say(bot, "what is graphql?")
    told = await say(bot, "you should cover graphql federation")
    assert told.intent == "feedback" and "passed that on" in told.text and told.topic is None
    await say(bot, "the bot replied twice, mail me at jo@example.com")
    # no rating of the topic on screen, no user id beside the text, nothing that names a person
    assert store.feedback == []
    assert sorted(text for _, text in store.unanswered) == [
        "the bot replied twice mail me at", "you should cover graphql federation"]
    assert all("u1" not in who for who, _ in store.unanswered)
    assert "graphql federation" in (await say(bot, "/mydata")).text
    await say(bot, "/forget")
    await say(bot, "yes")
    assert store.unanswered == {}
    # only saying there is something to tell keeps nothing: told how instead
    offer = await say(bot, "can I suggest a topic?")
    assert "tell me in one message" in offer.text and store.unanswered == {}


async def test_a_verdict_on_the_openings_shown_speaks_of_them(bot: Bot, store: MemoryStore) -> None:
    assert (await say(bot, "show me jobs")).intent == "openings"
    good = await say(bot, "nice, that's a good match")
    assert good.intent == "feedback" and "Ask me about any of them" in good.text
    bad = await say(bot, "hmm not what I hoped")
    assert bad.intent == "feedback" and "don't fit" in bad.text and store.feedback == []


async def test_feedback_words_in_a_question_about_people_stay_a_topic(bot: Bot) -> None:
    reply = await say(bot, "how do I give feedback to a junior developer")
    assert (reply.intent, reply.topic) == ("topic", "soft-skills")


async def test_wrong_topic_is_rated_and_the_topic_meant_offered_first(bot: Bot, store: MemoryStore) -> None:
    await say(bot, "what is docker?")
    rated = await say(bot, "wrong topic, I asked about kubernetes")
    assert rated.intent == "feedback"
    assert [(f[2], f[3]) for f in store.feedback] == [("docker", False)]
    assert rated.buttons[0].label == "Kubernetes"


async def test_small_talk_gets_a_friendly_word_not_a_decline_nor_a_topic(bot: Bot) -> None:
    assert (await say(bot, "what is docker?")).topic == "docker"
    for text in ("lol", "are you a bot?", "you're funny", "do you ever sleep"):
        reply = await say(bot, text)
        assert reply.intent == "fallback" and reply.topic is None, (text, reply.intent, reply.topic)
        assert "outside what I know" not in reply.text and reply.buttons, text
    assert "bot rather than a person" in (await say(bot, "are you human?")).text
    # the conversation goes on where it was
    assert (await say(bot, "give me an example")).topic == "docker"
    declined = await say(bot, "how do I bake sourdough bread", user="u2")
    assert declined.intent == "fallback" and "outside what I know" in declined.text


async def test_how_are_you_is_answered_in_kind(bot: Bot) -> None:
    reply = await say(bot, "hey, how are you doing?")
    assert reply.intent == "greeting" and "doing well" in reply.text
    assert "doing well" not in (await say(bot, "hello")).text


DEV = Path(__file__).parent / "data" / "dev"


async def test_the_development_intent_messages_through_the_bot(bot: Bot) -> None:
    """The intents sets written for development (tests/bot/data/dev/intents-*.yaml), each message
    in a new conversation as `careerbot eval` asks them."""
    cases = [c for f in sorted(DEV.glob("intents-*.yaml"))
             for c in yaml.safe_load(f.read_text())["in_scope_intents"]]
    misses = []
    for i, case in enumerate(cases):
        reply = await say(bot, case["q"], user=f"dev-{i}")
        if reply.intent != case["intent"]:
            misses.append((case["q"], case["intent"], reply.intent))
    assert len(cases) >= 150 and 1 - len(misses) / len(cases) >= 0.95, misses


@pytest.mark.parametrize("text", [
    "tell me about remote work",  # close in meaning to "I want remote work", but asks
    "what is remote work like",
    "how do I let users unsubscribe from emails in my app",  # their app's users, not the bot's alerts
    "how do I stop clients sending hugely nested graphql queries?",
    "why does my docker build give the wrong output",  # "wrong" about the thing asked
    "helm",  # a typo away from "help", but a word the knowledge base knows
    "hi bot how do I learn docker",  # a hello before a question
    "thanks, now what is oauth",
    "how do I unsubscribe a kafka consumer from a topic",  # asked how, of a subject
    "my kafka consumer crashes twice a day",  # their system failing, not the bot
    "how do I suggest improvements to my team's process",
])
async def test_questions_about_a_subject_are_no_intent(bot: Bot, text: str) -> None:
    reply = await say(bot, text)
    assert reply.intent in ("topic", "compare", "fallback"), reply.intent


@pytest.mark.parametrize("text", [
    "help me plan a birthday party",  # help is about using the bot
    "help me lose weight before summer",
    "stop the music",  # no alerts to stop
    "subscribe me to the weather forecast",
    "delete the last photo I took",
    "find me a cheap flight to lisbon",  # a place, but no work
    "I want a job as a nurse",
    "what are the best gardening topics for beginners",
    "my profile picture looks bad, what filter should I use",
])
async def test_an_intents_verb_for_something_else_is_declined(bot: Bot, text: str) -> None:
    reply = await say(bot, text)
    assert reply.intent == "fallback", reply.intent


@pytest.mark.parametrize("text,intent", [
    # a word no example uses, but the request is plainly the bot's
    ("guide me", "help"), ("nuke my data", "forget"), ("shut off the job feed", "unsubscribe"),
    ("I don't want the weekly digest anymore", "unsubscribe"), ("what vacancies do you have", "openings"),
    ("linux admin jobs?", "openings"), ("whats in your library", "topics"),
    ("halp", "help"),  # a slip of the intent's own word, not another subject
])
async def test_a_request_with_an_unusual_word_is_still_that_intent(bot: Bot, text: str,
                                                                    intent: str) -> None:
    assert (await say(bot, text)).intent == intent


@pytest.mark.parametrize("text,topic", [
    ("our on-call is brutal, how do we make alerts less noisy?", "observability"),
    ("my alerts fire all night for nothing, how do I set good alert thresholds?", "observability"),
])
async def test_a_sure_topic_outweighs_an_intent_only_its_meaning_reads(bot: Bot, text: str,
                                                                        topic: str) -> None:
    reply = await say(bot, text)
    assert (reply.intent, reply.topic) == ("topic", topic)


@pytest.mark.parametrize("text,intent", [
    ("turn the alerts off", "unsubscribe"), ("do you keep my messages?", "mydata"),
    ("is there work for junior devs", "openings"), ("prefer remote work", "profile"),
])
async def test_requests_the_sure_topic_does_not_outweigh(bot: Bot, text: str, intent: str) -> None:
    assert (await say(bot, text)).intent == intent


@pytest.mark.parametrize("text,topics", [
    ("is it hard to get a job in c# without a degree?", ("csharp-dotnet", "getting-started", "job-search")),
    ("is remote work common for backend jobs in europe?", ("remote-work",)),
    ("after 10 years as a dev I'm bored, what other roles are there", ("career-paths",)),
])
async def test_a_judgement_of_jobs_is_no_search_for_openings(bot: Bot, text: str,
                                                              topics: tuple[str, ...]) -> None:
    reply = await say(bot, text)
    assert reply.intent == "topic" and reply.topic in topics, (reply.intent, reply.topic)


async def test_no_ones_data_is_not_the_persons_record(bot: Bot) -> None:
    assert (await say(bot, "soft delete or hard delete records")).intent != "forget"
    assert (await say(bot, "stop the car please")).intent == "fallback"
    assert (await say(bot, "please delete all of it", user="u2")).intent == "forget"
    assert (await say(bot, "mute these updates", user="u3")).intent == "unsubscribe"


async def test_asked_how_it_is_done_elsewhere_is_no_request(bot: Bot) -> None:
    assert (await say(bot, "how do I cancel my streaming service subscription")).intent == "fallback"
    assert (await say(bot, "how do I delete my data", user="u2")).intent == "forget"


async def test_help_naming_a_subject_is_a_question_about_it(bot: Bot) -> None:
    reply = await say(bot, "how do I profile memory usage in go?")
    assert (reply.intent, reply.topic) == ("topic", "go")


@pytest.mark.parametrize("text,negative", [
    ("that was not the answer I expected", True), ("the last answer was off", True),
    ("useless", True), ("wrong topic, I asked about kafka", True), ("nope, not quite", True),
    ("that was helpful", False), ("exactly what I needed", False), ("super clear, cheers", False),
    ("👎", True), ("👍", False), ("not quite", True), ("I already knew that", True),
])
def test_what_makes_a_rating_a_bad_one(text: str, negative: bool) -> None:
    assert is_negative(text) is negative
