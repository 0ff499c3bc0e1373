"""`careerbot eval`: a question file's scores, printed alone or beside another run's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

# Questions in, one reply object each out, as `careerbot ask --json -` prints them.
Answerer = Callable[[Sequence[str]], Sequence[Mapping[str, Any]]]

QUESTIONS, PASSAGES, CONVERSATIONS = "questions", "passages", "conversations"
# How many of the most frequent confusions a report lists.
WORST_CONFUSIONS = 10


def file_kind(data: Mapping[str, Any]) -> str | None:
    """What an evaluation file holds (see ../shared/eval/), or None when it is none of them."""
    if "conversations" in data:
        return CONVERSATIONS
    if "specific" in data or "general" in data:
        return PASSAGES
    if any(k in data for k in ("in_scope", "in_scope_intents", "out_of_scope")):
        return QUESTIONS
    return None


# A comparison ("sql vs nosql") is answered from its topic too, built for comparing.
TOPIC_ANSWERS = ("topic", "compare")


def got(reply: Mapping[str, Any]) -> str:
    """What a reply was, for a report: the topic it answered with, or its intent."""
    answered = reply["intent"] in TOPIC_ANSWERS and reply["topic"]
    return str(reply["topic"]) if answered else str(reply["intent"])


def score_questions(data: Mapping[str, Any], answer: Answerer) -> dict[str, Any]:
    """Topic accuracy, intent accuracy (overall and per intent), out-of-scope rejection, the most
    frequent confusions and every miss. A topic question is right when answered with one of its
    expected topics; an intent message when its reply has that intent; an out-of-scope one when
    declined (intent fallback)."""
    in_scope = list(data.get("in_scope") or [])
    intents = list(data.get("in_scope_intents") or [])
    oos = [str(q) for q in data.get("out_of_scope") or []]
    replies = list(answer([c["q"] for c in in_scope] + [c["q"] for c in intents] + oos))
    a_in, a_int, a_oos = (replies[:len(in_scope)], replies[len(in_scope):len(in_scope) + len(intents)],
                          replies[len(in_scope) + len(intents):])
    misses: list[dict[str, Any]] = []
    confusions: Counter[tuple[str, str]] = Counter()

    def miss(kind: str, q: str, expected: list[str], reply: Mapping[str, Any]) -> None:
        misses.append({"kind": kind, "q": q, "expected": expected, "got": got(reply),
                       "confidence": reply["confidence"]})
        confusions[("|".join(expected), got(reply))] += 1

    ok_topic = 0
    for case, reply in zip(in_scope, a_in, strict=True):
        if reply["intent"] in TOPIC_ANSWERS and reply["topic"] in case["expect"]:
            ok_topic += 1
        else:
            miss("topic", case["q"], list(case["expect"]), reply)
    per_intent: dict[str, list[int]] = {}
    for case, reply in zip(intents, a_int, strict=True):
        tally = per_intent.setdefault(case["intent"], [0, 0])
        tally[1] += 1
        if reply["intent"] == case["intent"]:
            tally[0] += 1
        else:
            miss("intent", case["q"], [case["intent"]], reply)
    ok_oos = 0
    for q, reply in zip(oos, a_oos, strict=True):
        if reply["intent"] == "fallback":
            ok_oos += 1
        else:
            miss("out-of-scope", q, ["fallback"], reply)
    ok_int = sum(right for right, _ in per_intent.values())
    return {
        "topic_accuracy": ok_topic / len(in_scope) if in_scope else None,
        "intent_accuracy": ok_int / len(intents) if intents else None,
        "out_of_scope_rejection": ok_oos / len(oos) if oos else None,
        "intent_accuracy_by_intent": {name: {"right": right, "total": total, "accuracy": right / total}
                                      for name, (right, total) in sorted(per_intent.items())},
        "counts": {"topic": len(in_scope), "intent": len(intents), "out_of_scope": len(oos)},
        "confusions": [{"expected": e, "got": g, "count": n}
                       for (e, g), n in confusions.most_common(WORST_CONFUSIONS)],
        "misses": misses,
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def print_questions(console: Console, result: Mapping[str, Any]) -> None:
    c = result["counts"]
    console.print(f"topic accuracy:          {_fmt(result['topic_accuracy'])}  ({c['topic']} questions)")
    console.print(f"intent accuracy:         {_fmt(result['intent_accuracy'])}  ({c['intent']} messages)")
    for name, s in result["intent_accuracy_by_intent"].items():
        console.print(f"  {name + ':':22} {_fmt(s['accuracy'])}  ({s['right']}/{s['total']})",
                      markup=False, highlight=False)
    console.print(f"out-of-scope rejection:  {_fmt(result['out_of_scope_rejection'])}  "
                  f"({c['out_of_scope']} messages)")
    if result["confusions"]:
        table = Table(title="worst confusions")
        for col in ("expected", "got", "times"):
            table.add_column(col)
        for row in result["confusions"]:
            table.add_row(row["expected"], row["got"], str(row["count"]))
        console.print(table)
    if result["misses"]:
        table = Table(title="misses")
        for col in ("kind", "question", "expected", "got", "conf"):
            table.add_column(col)
        for m in result["misses"]:
            table.add_row(m["kind"], m["q"], ", ".join(m["expected"]), str(m["got"]),
                          f"{m['confidence']:.2f}")
        console.print(table)


def print_comparison(console: Console, results: Mapping[str, Mapping[str, Any]]) -> None:
    """Each metric, confusion and miss of several runs on the same questions, side by side."""
    names = list(results)
    first = results[names[0]]
    c = first["counts"]
    table = Table(title="side by side")
    table.add_column("")
    for name in names:
        table.add_column(name, justify="right")
    rows = [("topic accuracy", "topic_accuracy", c["topic"]),
            ("intent accuracy", "intent_accuracy", c["intent"]),
            ("out-of-scope rejection", "out_of_scope_rejection", c["out_of_scope"])]
    for label, key, n in rows:
        table.add_row(f"{label} ({n})", *(_fmt(results[name][key]) for name in names))
    for intent in first["intent_accuracy_by_intent"]:
        table.add_row(f"  {intent}", *(
            "{right}/{total}".format(**results[name]["intent_accuracy_by_intent"][intent]) for name in names))
    console.print(table)
    for name in names:
        confusions = results[name]["confusions"]
        if confusions:
            console.print(f"worst confusions, {name}: " + "; ".join(
                f"{r['expected']} → {r['got']} ×{r['count']}" for r in confusions), markup=False,
                highlight=False)
    by_question: dict[tuple[str, str], dict[str, str]] = {}
    for name in names:
        for m in results[name]["misses"]:
            by_question.setdefault((m["kind"], m["q"]), {})[name] = f"{m['got']} ({m['confidence']:.2f})"
    if by_question:
        table = Table(title="misses (— : right)")
        for col in ("kind", "question", *names):
            table.add_column(col)
        for (kind, q), by in by_question.items():
            table.add_row(kind, q, *(by.get(name, "—") for name in names))
        console.print(table)
