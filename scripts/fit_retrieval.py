"""Fit hybrid topic retrieval's weights and thresholds; writes bot/models/topic-retrieval/calibration.json.

    .venv/bin/python scripts/fit_retrieval.py [QUESTION_FILE ...] [--check]

Question files are in `careerbot eval`'s format (`in_scope` with expected topic ids,
`out_of_scope`); the defaults are ../shared/eval/dev-questions.yaml,
tests/bot/data/heldout-questions.yaml, tests/bot/data/retrieval-tuning.yaml and the tuning sets in
tests/bot/data/dev/ (questions-topics, questions-tune-3 to questions-tune-6, questions-tune-10,
questions-tune-12, questions-tune-15, questions-tune-18). The shipped knowledge base's own sample
questions are used too, leave-fold-out: each fifth of every topic's questions is asked of an index
built without it. Files under tests/bot/data/heldout/ and the validation sets (VALIDATION) are
refused: they are for reporting only. Re-fit after a large change to the knowledge base, the
encoder or the features in bot/retrieval.py, then run `careerbot eval` on the development sets and
report on the held-out ones.
`--check` fits and prints without writing.

What is fitted, with numpy only (Newton steps, L2-regularised):
1. the hybrid model: a conditional logit over each message's candidates and a "none" option;
2. its bias, chosen on out-of-fold scores so that answering when
   the best candidate's confidence σ(w·x + b) is 0.5 or more maximises the objective: topic
   accuracy (the mean over the question sets) plus out-of-scope rejection;
3. the lexical-only model the cascade uses, the same way, on the matcher's features alone;
4. `skip_at`: the lowest lexical-only confidence above which skipping the model loses next to
   nothing: the skipped questions are answered right about as often as the model answers them
   (SKIP_SLACK), the objective drops by at most SKIP_COST and the out-of-scope rejection does not
   drop (messages with no word the knowledge
   base knows are declined without the model at any threshold, and counted so);
5. `suggest_at`: the lowest "did you mean" threshold that offers buttons to at most one
   out-of-scope message in twenty;
6. the topic head (bot/models/topic-retrieval/head.npz): a softmax regression from a message's
   embedding to its topic, on the sample questions and the in-scope questions of the files, and the
   weight of its log-probability when it reorders those of the hybrid model's three best within a
   margin of the best one's log-odds, both chosen out of fold
   by file (each file's questions reordered by a head fitted without them; the sample questions,
   which every head learns from, do not vote). A weight of 0 ships no head.

Out of fold means leave one question file out: each file (and the sample questions) is scored by a
model fitted on the others. Random folds over the messages flatter the numbers, since lines written
by one person in one style land on both sides; a file written apart is what a new user looks like.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.embedding_cache import EmbeddingCache  # noqa: E402
from bot.encoder import Vectors, shared_encoder  # noqa: E402
from bot.knowledge import Topic, load_knowledge  # noqa: E402
from bot.matcher import TopicMatcher  # noqa: E402
from bot.retrieval import (  # noqa: E402
    CALIBRATION,
    CANDIDATES,
    HEAD,
    PAGE_WEIGHTS,
    Candidates,
    FloatArray,
    TopicHead,
    TopicIndex,
    background_texts,
    hybrid_candidates,
    lexical_candidates,
    topic_texts,
    words_decide,
)
from bot.yamlsource import load  # noqa: E402

DEFAULT_FILES = (Path("../shared/eval/dev-questions.yaml"),
                 ROOT / "tests/bot/data/heldout-questions.yaml",
                 ROOT / "tests/bot/data/retrieval-tuning.yaml",
                 ROOT / "tests/bot/data/dev/questions-topics.yaml",
                 ROOT / "tests/bot/data/dev/questions-tune-3.yaml",
                 ROOT / "tests/bot/data/dev/questions-tune-4.yaml",
                 ROOT / "tests/bot/data/dev/questions-tune-5.yaml",
                 ROOT / "tests/bot/data/dev/questions-tune-6.yaml",
                 ROOT / "tests/bot/data/dev/questions-tune-10.yaml",
                 ROOT / "tests/bot/data/dev/questions-tune-12.yaml",
                 ROOT / "tests/bot/data/dev/questions-tune-15.yaml",
                 ROOT / "tests/bot/data/dev/questions-tune-18.yaml")
HELD_OUT = ROOT / "tests/bot/data/heldout"
# Written apart to check that a fit generalises: never fitted on.
VALIDATION = (ROOT / "tests/bot/data/dev/oos-validation.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-3.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-4.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-5.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-6.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-10.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-11.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-12.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-13.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-15.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-16.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-17.yaml",
              ROOT / "tests/bot/data/dev/questions-valid-18.yaml",
              ROOT / "tests/bot/data/dev/intents-valid-15.yaml")
HYBRID_FEATURES = ("lex_confidence", "lex_strength", "lex_pages", "sem_all", "sem_all_margin",
                   "sem_background_margin", "sem_pages", "sem_pages_margin", "sem_question", "sem_answer",
                   "sem_passage", "sem_title", "sem_vote", "sem_unknown_margin", "msg_unknown_share",
                   "msg_length")
LEXICAL_FEATURES = ("lex_confidence", "lex_strength", "lex_margin")
FOLDS = 5  # of the sample questions
# What the cascade may cost: on the questions it settles without the model, one answer in a hundred
# the model would have got right; over all of them, a fifth of a point of the objective. Out of
# fold by file, the lexical and the hybrid models differ on a few sample questions at any threshold.
SKIP_SLACK = 0.01
SKIP_COST = 0.002
L2 = 1.0
# In the fit's likelihood, the out-of-scope lines weigh twice what the objective gives them: with
# the same weight the fit spends itself on ordering candidates, and the bias shift chosen after it
# then buys rejection with topic accuracy. Out of fold by file, twice the weight gained 0.9 points
# of topic accuracy at the same rejection; 1.5 and 3 times did less.
OUT_OF_SCOPE_WEIGHT = 2.0
# The topic head: its L2 penalty and Adam steps (out of fold by file, 1e-4 beat 1e-3 and both beat
# no head by about a point of topic accuracy), and the weights of its log-probability tried.
HEAD_L2 = 1e-4
HEAD_STEPS = 300
HEAD_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)
HEAD_MARGINS = (0.5, 1.0, 2.0, 4.0, 100.0)


@dataclass(frozen=True, kw_only=True)
class Question:
    text: str
    expect: frozenset[str]  # empty: out of scope
    source: str


@dataclass(kw_only=True)
class Example:
    """One question's candidates, as the retriever builds them."""

    question: Question
    lexical: Candidates
    hybrid: Candidates
    vector: Vectors  # the message's embedding


def read_questions(paths: Sequence[Path]) -> list[Question]:
    out: list[Question] = []
    for path in paths:
        if not path.is_file():
            sys.exit(f"no question file at {path}; pass the question files to fit on")
        if path.resolve().is_relative_to(HELD_OUT.resolve()):
            sys.exit(f"{path} is a held-out set: report on it with `careerbot eval`, never fit on it")
        if any(path.resolve() == v.resolve() for v in VALIDATION):
            sys.exit(f"{path} is a validation set: check a fit with `careerbot eval` on it, never fit on it")
        data = load(path)
        out += [Question(text=c["q"], expect=frozenset(c["expect"]), source=path.stem)
                for c in data.get("in_scope") or []]
        out += [Question(text=str(q), expect=frozenset(), source=path.stem)
                for q in data.get("out_of_scope") or []]
    return out


def without_fold(topics: Sequence[Topic], fold: int) -> list[Topic]:
    return [dataclasses.replace(t, questions=tuple(q for i, q in enumerate(t.questions) if i % FOLDS != fold))
            for t in topics]


def examples(topics: Sequence[Topic], questions: Sequence[Question],
             vectors_of: Callable[[list[str]], Vectors]) -> list[Example]:
    matcher = TopicMatcher(topics)
    pages = TopicMatcher(topics, weights=PAGE_WEIGHTS)
    index = TopicIndex(topics, vectors_of)
    background = vectors_of(background_texts())
    vectors = vectors_of([q.text for q in questions])
    out = []
    for q, v in zip(questions, vectors, strict=True):
        matches = matcher.rank(q.text, limit=CANDIDATES)
        unknown = " ".join(matcher.unknown_words(q.text)) if matches and matches[0].unknown else ""
        u = vectors_of([unknown])[0] if unknown else None
        out.append(Example(question=q, lexical=lexical_candidates(matches),
                           hybrid=hybrid_candidates(matches, pages.scores(q.text), index, v, background, u),
                           vector=v))
    return out


# --- the conditional logit -------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class Rows:
    """One message for the fit: candidate features (rows), which are right, and its weight."""

    x: FloatArray
    right: npt.NDArray[np.bool_]
    weight: float


def fit_logit(rows: Sequence[Rows], k: int, l2: float = L2) -> FloatArray:
    """Weights then bias, maximising the weighted log-likelihood of a right candidate (or "none"
    when no candidate is right): Newton steps with the Fisher information as the Hessian."""
    theta = np.zeros(k + 1)
    ridge = np.diag(np.r_[np.full(k, l2), 0.0]) + 1e-6 * np.eye(k + 1)
    for _ in range(100):
        grad = ridge @ theta
        hess = ridge.copy()
        for r in rows:
            if not len(r.x):
                continue
            xt = np.hstack([r.x, np.ones((len(r.x), 1))])
            z = xt @ theta
            top = max(0.0, float(z.max()))
            e = np.exp(z - top)
            p = e / (np.exp(-top) + e.sum())
            q = np.where(r.right, p, 0.0)
            q = q / q.sum() if q.sum() > 0 else q
            mean = xt.T @ p
            grad += r.weight * (xt.T @ (p - q))
            hess += r.weight * ((xt * p[:, None]).T @ xt - np.outer(mean, mean))
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta


def scores(theta: FloatArray, x: FloatArray) -> FloatArray:
    out: FloatArray = x @ theta[:-1] + theta[-1] if len(x) else np.zeros(0)
    return out


def probabilities(z: FloatArray, shift: float) -> FloatArray:
    """Candidates' confidences, best first (as LogitModel.confidences computes them)."""
    out: FloatArray = 1 / (1 + np.exp(-(np.sort(z)[::-1] + shift)))
    return out


def best_probability(z: FloatArray, shift: float) -> float:
    return float(1 / (1 + np.exp(-(z.max() + shift)))) if len(z) else 0.0


def to_rows(exs: Sequence[Example], side: str, features: Sequence[str],
            weights: dict[str, float]) -> list[Rows]:
    out = []
    for ex in exs:
        cand: Candidates = getattr(ex, side)
        right = np.asarray([t in ex.question.expect for t in cand.topic_ids], dtype=bool)
        out.append(Rows(x=cand.matrix(features) if cand.topic_ids else np.zeros((0, len(features))),
                        right=right, weight=weights[ex.question.source if ex.question.expect else "oos"]))
    return out


def set_weights(exs: Sequence[Example]) -> dict[str, float]:
    """Each question set counts the same, and out-of-scope lines OUT_OF_SCOPE_WEIGHT times as much
    as all sets together."""
    counts: dict[str, int] = {}
    for ex in exs:
        key = ex.question.source if ex.question.expect else "oos"
        counts[key] = counts.get(key, 0) + 1
    sets = [k for k in counts if k != "oos"]
    return {k: (OUT_OF_SCOPE_WEIGHT * len(sets) if k == "oos" else 1.0) * 100 / n for k, n in counts.items()}


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """Per question, out of fold: the best candidate's raw score set and whether it is right."""

    z: FloatArray
    right: bool
    in_scope: bool
    source: str
    ranked_right: tuple[bool, ...]  # rightness of candidates, best first
    unknown: bool  # the message has a word the knowledge base does not know


def out_of_fold(exs: Sequence[Example], side: str, features: Sequence[str]) -> list[Outcome]:
    """Each question file's outcomes under a model fitted on the other files."""
    sources = sorted({ex.question.source for ex in exs})
    fold = [sources.index(ex.question.source) for ex in exs]
    outcomes: list[Outcome | None] = [None] * len(exs)
    for f in range(len(sources)):
        train = [ex for ex, g in zip(exs, fold, strict=True) if g != f]
        theta = fit_logit(to_rows(train, side, features, set_weights(train)), len(features))
        for i, ex in enumerate(exs):
            if fold[i] == f:
                outcomes[i] = outcome(ex, side, features, theta)
    return [o for o in outcomes if o is not None]


def outcome(ex: Example, side: str, features: Sequence[str], theta: FloatArray) -> Outcome:
    cand: Candidates = getattr(ex, side)
    z = scores(theta, cand.matrix(features)) if cand.topic_ids else np.zeros(0)
    order = np.argsort(-z, kind="stable")
    ranked = tuple(cand.topic_ids[i] in ex.question.expect for i in order)
    unknown = ex.lexical.features.get("lex_unknown", np.zeros(0))
    return Outcome(z=z, right=bool(ranked and ranked[0]), in_scope=bool(ex.question.expect),
                   source=ex.question.source, ranked_right=ranked, unknown=bool(unknown.any()))


def quality(outcomes: Sequence[Outcome], answered: Sequence[bool]) -> dict[str, float]:
    """Topic accuracy per source set and out-of-scope rejection; `score` is their objective."""
    per_set: dict[str, list[int]] = {}
    oos = [0, 0]
    for o, a in zip(outcomes, answered, strict=True):
        if o.in_scope:
            per_set.setdefault(o.source, [0, 0])
            per_set[o.source][0] += 1
            per_set[o.source][1] += int(a and o.right)
        else:
            oos[0] += 1
            oos[1] += int(not a)
    out = {f"topic:{k}": v[1] / v[0] for k, v in per_set.items()}
    out["out_of_scope"] = oos[1] / oos[0] if oos[0] else 1.0
    out["score"] = float(np.mean([v for k, v in out.items() if k.startswith("topic:")])) + out["out_of_scope"]
    return out


def best_shift(outcomes: Sequence[Outcome]) -> tuple[float, dict[str, float]]:
    """The none-option shift under which answering at 0.5 scores best (ties: the middle one)."""
    grid = np.round(np.arange(-3.0, 3.0001, 0.05), 2)
    results = [quality(outcomes, [best_probability(o.z, s) >= 0.5 for o in outcomes]) for s in grid]
    top = max(r["score"] for r in results)
    best = [s for s, r in zip(grid, results, strict=True) if r["score"] >= top - 1e-9]
    shift = float(best[len(best) // 2])
    return shift, results[list(grid).index(shift)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    parser.add_argument("--check", action="store_true", help="fit and print, write nothing")
    args = parser.parse_args()

    kb = load_knowledge(None)
    topics = list(kb.topics.values())
    questions = read_questions(args.files)
    encoder = shared_encoder()
    # Every text any fold needs, embedded once (and kept between runs of this script).
    texts = sorted({t for topic in topics for _, t in topic_texts(topic)} | {q.text for q in questions}
                   | {q for topic in topics for q in topic.questions} | set(background_texts()))
    cache = EmbeddingCache(encoder, "fit-retrieval")
    table = dict(zip(texts, cache.encode(texts), strict=True))

    def vectors_of(batch: list[str]) -> Vectors:
        # A fold's matcher may find a few other unknown words than the whole knowledge base's.
        missing = [t for t in dict.fromkeys(batch) if t not in table]
        if missing:
            table.update(zip(missing, cache.encode(missing), strict=True))
        return np.asarray([table[t] for t in batch], dtype=np.float32).reshape(len(batch), encoder.dim)

    exs = examples(topics, questions, vectors_of)
    for fold in range(FOLDS):
        held = [Question(text=q, expect=frozenset({t.id}), source="sample-questions")
                for t in topics for i, q in enumerate(t.questions) if i % FOLDS == fold]
        exs += examples(without_fold(topics, fold), held, vectors_of)

    hybrid_oof = out_of_fold(exs, "hybrid", HYBRID_FEATURES)
    hybrid_shift, hybrid_q = best_shift(hybrid_oof)
    lexical_oof = out_of_fold(exs, "lexical", LEXICAL_FEATURES)
    lexical_shift, lexical_q = best_shift(lexical_oof)

    p_hybrid = [best_probability(o.z, hybrid_shift) for o in hybrid_oof]
    skip_at, cascade_q, skipped = choose_skip(hybrid_oof, lexical_oof, p_hybrid, lexical_shift, hybrid_q)
    suggest_at = choose_suggest(hybrid_oof, hybrid_shift)

    (head_weight, head_margin), head_q = choose_head(exs, hybrid_oof, hybrid_shift, topics, vectors_of)

    weights = set_weights(exs)
    theta_h = fit_logit(to_rows(exs, "hybrid", HYBRID_FEATURES, weights), len(HYBRID_FEATURES))
    theta_l = fit_logit(to_rows(exs, "lexical", LEXICAL_FEATURES, weights), len(LEXICAL_FEATURES))
    result = {
        "about": "Fitted by scripts/fit_retrieval.py; read by bot/retrieval.py.",
        "fitted": datetime.now(UTC).date().isoformat(),
        "encoder": encoder.model_id,
        "fitted_on": sorted({q.source for q in questions} | {"sample-questions (leave-fold-out)"}),
        "hybrid": {"features": list(HYBRID_FEATURES), "weights": rounded(theta_h[:-1]),
                   "bias": round(float(theta_h[-1] + hybrid_shift), 4)},
        "lexical": {"features": list(LEXICAL_FEATURES), "weights": rounded(theta_l[:-1]),
                    "bias": round(float(theta_l[-1] + lexical_shift), 4)},
        "suggest_at": suggest_at,
        "skip_at": skip_at,
        "out_of_fold": {"hybrid": rounded_dict(hybrid_q), "lexical_only": rounded_dict(lexical_q),
                        "with_cascade": rounded_dict(cascade_q), "cascade_skipped": round(skipped, 3),
                        "questions": len(exs)},
        "head": {"weight": head_weight, "margin": head_margin, "out_of_fold": head_q},
    }
    print(json.dumps(result, indent=2))
    if not args.check:
        CALIBRATION.parent.mkdir(parents=True, exist_ok=True)
        CALIBRATION.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {CALIBRATION.relative_to(ROOT)}", file=sys.stderr)
        if head_weight > 0:
            x, y = head_data(exs, topics, vectors_of, leave_out=None)
            np.savez_compressed(HEAD, topic_ids=np.asarray([t.id for t in topics]),
                                weights=fit_head(x, y).astype(np.float32), weight=head_weight,
                                margin=head_margin, encoder=encoder.model_id)
            print(f"wrote {HEAD.relative_to(ROOT)}", file=sys.stderr)
        else:
            HEAD.unlink(missing_ok=True)


# --- the topic head ---------------------------------------------------------------------------

def head_data(exs: Sequence[Example], topics: Sequence[Topic], vectors_of: Callable[[list[str]], Vectors],
              leave_out: str | None) -> tuple[FloatArray, FloatArray]:
    """The head's training set: every sample question, and the in-scope questions of every file but
    `leave_out` (a question with several right topics spreads its target over them)."""
    column = {t.id: i for i, t in enumerate(topics)}
    texts = [q for t in topics for q in t.questions]
    targets = [frozenset({t.id}) for t in topics for _ in t.questions]
    asked = [ex for ex in exs
             if ex.question.expect and ex.question.source not in ("sample-questions", leave_out)]
    x = np.vstack([vectors_of(texts), *(ex.vector[None, :] for ex in asked)]).astype(np.float64)
    y = np.zeros((len(x), len(topics)))
    for i, expect in enumerate([*targets, *(ex.question.expect for ex in asked)]):
        known = [column[t] for t in expect if t in column]
        y[i, known] = 1 / len(known)
    return x, y


def fit_head(x: FloatArray, y: FloatArray) -> FloatArray:
    """Softmax regression weights (a row per dimension, then the bias row) by Adam on the mean
    cross-entropy with an L2 penalty."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros((xb.shape[1], y.shape[1]))
    m, v = np.zeros_like(w), np.zeros_like(w)
    penalty = np.ones((xb.shape[1], 1))
    penalty[-1] = 0.0
    for step in range(1, HEAD_STEPS + 1):
        z = xb @ w
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = xb.T @ (p - y) / len(xb) + HEAD_L2 * penalty * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= 0.025 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return w


def choose_head(exs: Sequence[Example], outcomes: Sequence[Outcome], shift: float,
                topics: Sequence[Topic], vectors_of: Callable[[list[str]], Vectors]
                ) -> tuple[tuple[float, float], dict[str, dict[str, float]]]:
    """The weight of the head's log-probability and the margin that score best out of fold by file:
    the mean topic accuracy over the files when each file is reordered by a head fitted without it
    (ties: the smaller weight, then the smaller margin). Reports the mean of each pair and the files
    of the chosen one and of no head."""
    ids = tuple(t.id for t in topics)
    sources = sorted({ex.question.source for ex in exs} - {"sample-questions"})
    grid = [(w, m) for w in HEAD_WEIGHTS for m in HEAD_MARGINS]
    right: dict[tuple[float, float], dict[str, list[bool]]] = {g: {s: [] for s in sources} for g in grid}
    for source in sources:
        x, y = head_data(exs, topics, vectors_of, leave_out=source)
        theta = fit_head(x, y).astype(np.float32)
        for ex, o in zip(exs, outcomes, strict=True):
            if ex.question.source != source or not o.in_scope:
                continue
            answered = best_probability(o.z, shift) >= 0.5
            p = 1 / (1 + np.exp(-(o.z + shift)))
            for w, m in grid:
                head = TopicHead(topic_ids=ids, weights=theta, weight=w, margin=m, encoder="")
                ranked = head.rerank(ex.hybrid.topic_ids, p, ex.vector) if len(p) else p
                best = ex.hybrid.topic_ids[int(np.argmax(ranked))] if len(p) else None
                right[(w, m)][source].append(answered and best in ex.question.expect)
    mean = {g: float(np.mean([np.mean(r[s]) for s in sources])) for g, r in right.items()}
    chosen = max(grid, key=lambda g: (round(mean[g], 6), -g[0], -g[1]))
    report: dict[str, dict[str, float]] = {
        "mean": {f"{w}/{m}": round(v, 4) for (w, m), v in mean.items()},
        "chosen": {s: round(float(np.mean(right[chosen][s])), 3) for s in sources},
        "none": {s: round(float(np.mean(right[grid[0]][s])), 3) for s in sources}}
    return chosen, report


def choose_skip(hybrid: Sequence[Outcome], lexical: Sequence[Outcome], p_hybrid: Sequence[float],
                lexical_shift: float,
                hybrid_q: dict[str, float]) -> tuple[float, dict[str, float], float]:
    """The lowest lexical-only confidence at which the cascade (`words_decide`) keeps the hybrid
    model's quality: on the questions it settles without the model it is right about as often as
    the model is on them (it does not trade the model's answers for others), and over all questions
    the objective drops by at most SKIP_COST and the out-of-scope rejection does not drop. Messages
    with no word the knowledge base knows are declined without the model at every threshold."""
    for skip_at in np.round(np.arange(0.5, 1.0, 0.01), 2):
        answered, merged = [], []
        skipped = cascade_right = model_right = 0
        for h, lx, ph in zip(hybrid, lexical, p_hybrid, strict=True):
            model_ok = (h.right and ph >= 0.5) if h.in_scope else ph < 0.5
            if not len(lx.z) or words_decide(probabilities(lx.z, lexical_shift), skip_at, unknown=lx.unknown):
                answers = bool(len(lx.z))
                answered.append(answers)
                merged.append(dataclasses.replace(h, right=lx.right) if answers else h)
                skipped += 1
                cascade_right += (lx.right if answers else False) if h.in_scope else not answers
                model_right += model_ok
            else:
                answered.append(ph >= 0.5)
                merged.append(h)
        q = quality(merged, answered)
        if (cascade_right >= model_right - SKIP_SLACK * skipped
                and q["score"] >= hybrid_q["score"] - SKIP_COST
                and q["out_of_scope"] >= hybrid_q["out_of_scope"]):
            return float(skip_at), q, skipped / len(hybrid)
    return 1.01, hybrid_q, 0.0


def choose_suggest(outcomes: Sequence[Outcome], shift: float) -> float:
    """The lowest "did you mean" threshold at which at most one out-of-scope message in twenty gets
    buttons. (On in-scope messages that are declined, the buttons hold the right topic about two
    times in three at any threshold; what the threshold changes is how often it bothers others.)"""
    declined = [o for o in outcomes if best_probability(o.z, shift) < 0.5]
    out_of_scope = [o for o in declined if not o.in_scope]
    total = sum(not o.in_scope for o in outcomes)
    for at in np.round(np.arange(0.05, 0.5, 0.01), 2):
        bothered = sum(len(o.z) > 0 and best_probability(o.z, shift) >= at for o in out_of_scope)
        if bothered <= 0.05 * total:
            return float(at)
    return 0.5


def rounded(values: FloatArray) -> list[float]:
    return [round(float(v), 4) for v in values]


def rounded_dict(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in values.items()}


if __name__ == "__main__":
    main()
