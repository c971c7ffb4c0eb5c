"""Distinct realistic chat questions, as users send them: made from the corpus's own names (each
program's university, aliases, city and state; each topic's aliases) and topics (the specifics
a student asks about) × phrasings (full questions, terse keyword queries, polite and chatty
ones, comparisons, lists, off-topic and small talk) × surface noise (a typo in one word, lower
case, no question mark) × follow-ups (a short next turn after a first question whose real reply
the benchmark fetches from the server). Deterministic for a seed; every question differs from
every other (after case folding), so a load cycling through tens of thousands of them is
answered from scratch each time (the reply cache holds 2,048).

Used by bench/serve_http.py and bench/recording.py as wrk's input (bench/chat.lua builds each
body from a message and the index of its history).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

SCHOOL_TOPICS = (
    "tuition", "the tuition fee", "the application deadline", "the deadline", "the GRE requirement",
    "the TOEFL minimum", "the IELTS score", "English test requirements", "admission requirements",
    "the ML master's", "the machine learning masters program", "scholarships", "funding",
    "financial aid", "the cost", "courses", "the curriculum", "the location", "the application fee",
    "letters of recommendation", "the statement of purpose", "program length", "assistantships",
    "the acceptance rate", "campus life", "jobs after graduation", "OPT", "the Duolingo test",
)
SCHOOL_PHRASINGS = (
    "What is {topic} at {school}?", "What's {topic} for {school}?", "{school} {topic}",
    "{topic} {school}", "Tell me about {topic} at {school}", "Can you tell me {topic} for {school}?",
    "How much is {topic} at {school}?", "Does {school} have {topic}?", "I want to know {topic} of {school}",
    "hey, what about {topic} at {school}?", "Quick question: {topic} at {school}?",
    "Could you please explain {topic} for {school}", "{school}: {topic}?", "info on {topic} at {school} pls",
    "What do I need to know about {topic} at {school}?", "Is there {topic} at {school}?",
)
SCHOOL_QUESTIONS = (
    "Where is {school}?", "Where is {school} located?", "Tell me about {school}", "What is {school}?",
    "Is {school} good for machine learning?", "Does {school} offer an MS in ML?",
    "What do I need to get into {school}?", "Do I need the GRE for {school}?", "{school}",
    "How hard is it to get into {school}?", "What city is {school} in?", "Does {school} require TOEFL?",
    "What are the requirements for {school}?", "How expensive is {school}?", "When is the deadline for {school}?",
    "Is {school} in {state}?", "Can international students apply to {school}?",
)
TOPIC_QUESTIONS = (
    "What is {name}?", "Tell me about {name}", "How does {name} work?", "Do I need {name}?",
    "{name}", "Explain {name} please", "What should I know about {name}?", "Is {name} required?",
    "How long does {name} take?", "{name} for international students", "Who needs {name}?",
    "How much does {name} cost?", "Can you explain {name} to me?",
)
COMPARISONS = ("Compare {a} and {b}", "{a} vs {b}", "Which is better, {a} or {b}?",
               "{a} or {b} for machine learning?", "Difference between {a} and {b}",
               "Should I pick {a} or {b}?")
LISTS = ("Which universities are in {state}?", "List the universities in {state}",
         "What schools in {state} are in the guide?", "Any programs in {city}?", "Universities near {city}?",
         "Which universities are in the guide?", "Which schools offer an ML masters?",
         "Which programs do not need the GRE?", "List all universities", "Which universities accept Duolingo?")
OFF_TOPIC = ("What is the weather in {city}?", "Best pizza near {school}?",
             "How do I get a driving licence in {state}?", "Where can I park at {school}?",
             "Is {city} safe at night?", "Good restaurants in {city}?",
             "Can you recommend an apartment in {city}?", "What's the time in {city}?",
             "Who won the game at {school} last night?", "How do I open a bank account in {state}?")
SMALL_TALK = ("hi", "hello", "hey", "thanks", "thank you", "thanks!", "good morning", "hi there", "ok thanks",
              "bye", "hello bot", "thx", "great, thanks", "cool", "who are you?", "what can you do?")
FIRST_TURNS = ("Tell me about {school}", "What is {school}?", "Where is {school}?",
               "What are the admission requirements for {school}?")
FOLLOW_UPS = ("what about {topic}?", "and {topic}?", "how about {topic}", "what is {topic} there?",
              "{topic}?", "is there {topic}?", "what about {other}?", "and {other}?", "where is it located?",
              "is it expensive?", "do they need the GRE?", "what about funding?", "tell me more",
              "how do I apply?", "and the deadline?", "which English tests do they accept?")
FOLLOW_UP_SHARE = 0.2


@dataclass(frozen=True)
class Names:
    schools: tuple[tuple[str, ...], ...]  # per program: its names (the university, its aliases)
    cities: tuple[str, ...]
    states: tuple[str, ...]
    topics: tuple[str, ...]  # topic documents' names (OPT, GRE, F-1 visa, ...)


@dataclass(frozen=True)
class Question:
    message: str
    first: str | None = None  # the earlier user turn of a follow-up (its reply comes from the server)


def corpus_names(corpus: Path = ROOT / "corpus") -> Names:
    """The names the corpus documents give themselves in their front matter."""
    schools, cities, states, topics = [], [], [], []
    for path in sorted(corpus.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        meta = yaml.safe_load(text.split("---", 2)[1]) or {}
        names = [meta.get("university") or meta.get("title"), *(meta.get("aliases") or [])]
        names = list(dict.fromkeys(str(n) for n in names if n))
        if meta.get("kind") == "program":
            schools.append(tuple(names))
            cities.append(str(meta.get("city", "")))
            states.append(str(meta.get("state", "")))
        elif meta.get("kind") == "topic":
            topics.extend(names[1:] or names)
    return Names(tuple(schools), tuple(c for c in cities if c), tuple(dict.fromkeys(s for s in states if s)),
                 tuple(dict.fromkeys(topics)))


def typo(text: str, rng: random.Random) -> str:
    """One slip in one word of four letters or more: two letters swapped, one dropped or doubled."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    slip = rng.randrange(3)
    words[i] = (w[:j] + w[j + 1] + w[j] + w[j + 2:]) if slip == 0 else (w[:j] + w[j + 1:]) if slip == 1 \
        else (w[:j] + w[j] + w[j:])
    return " ".join(words)


def noisy(text: str, rng: random.Random) -> str:
    """As people type: sometimes a typo, sometimes all lower case, sometimes no final punctuation."""
    if rng.random() < 0.2:
        text = typo(text, rng)
    if rng.random() < 0.35:
        text = text.lower()
    if rng.random() < 0.3:
        text = text.rstrip("?.!")
    return text


def _one(names: Names, rng: random.Random) -> Question:
    school_names = rng.choice(names.schools)
    school = rng.choice(school_names)
    at = names.schools.index(school_names)
    city, state = names.cities[at], names.states[min(at, len(names.states) - 1)]
    fill = {"school": school, "city": city, "state": rng.choice(names.states), "topic": rng.choice(SCHOOL_TOPICS)}
    roll = rng.random()
    if roll < FOLLOW_UP_SHARE:
        other = rng.choice(rng.choice(names.schools))
        first = rng.choice(FIRST_TURNS).format(school=rng.choice(school_names[:2]))
        return Question(noisy(rng.choice(FOLLOW_UPS).format(topic=fill["topic"], other=other), rng), first)
    if roll < 0.50:
        template = rng.choice(SCHOOL_PHRASINGS)
    elif roll < 0.65:
        template = rng.choice(SCHOOL_QUESTIONS)
        fill["state"] = state if rng.random() < 0.7 else fill["state"]
    elif roll < 0.77:
        template, fill = rng.choice(TOPIC_QUESTIONS), {"name": rng.choice(names.topics)}
    elif roll < 0.85:
        a, b = rng.sample(names.schools, 2)
        template, fill = rng.choice(COMPARISONS), {"a": rng.choice(a), "b": rng.choice(b)}
    elif roll < 0.91:
        template = rng.choice(LISTS)
    elif roll < 0.97:
        template = rng.choice(OFF_TOPIC)
    else:
        return Question(noisy(rng.choice(SMALL_TALK), rng) + rng.choice(("", "!", " :)", "!!", ".", " bot")))
    return Question(noisy(template.format(**fill), rng))


def distinct_questions(count: int = 60000, seed: int = 16, corpus: Path = ROOT / "corpus") -> list[Question]:
    """`count` questions, no two alike once case-folded (a follow-up differs by its first turn too)."""
    names = corpus_names(corpus)
    rng = random.Random(seed)
    seen: set[tuple[str, str | None]] = set()
    found: list[Question] = []
    attempts = 0
    while len(found) < count and attempts < count * 200:
        attempts += 1
        q = _one(names, rng)
        key = (" ".join(q.message.casefold().split()), q.first)
        if key in seen:
            continue
        if len(found) % 7 == 6:  # a few word orders and fillers that templates alone do not give
            q = Question(noisy(rng.choice(("so ", "um ", "hello, ", "sorry, ", "one more: ", "")) + q.message, rng),
                         q.first)
            key = (" ".join(q.message.casefold().split()), q.first)
            if key in seen:
                continue
        seen.add(key)
        found.append(q)
    return found


if __name__ == "__main__":
    for question in distinct_questions(40, seed=1):
        print(f"{question.first!r:>50} → {question.message}" if question.first else question.message)
