"""A large synthetic knowledge base for the scaling benchmark, generated in code (nothing is committed as data).

`synthetic_entries(count)` returns `count` entries about made-up recovery topics ("waterbeheer" / "water
management", "subsidie voor schoolgebouwen" / "grants for school buildings"), each with a canonical question,
an answer and a few example phrasings in Dutch and English, the way an organizer would add them. The topics
combine a domain with an aspect, so the vocabulary grows with the number of entries (Dutch compounds, English
two-word terms), and the phrasings reuse the same question words and templates as real questions do: the
common terms ("wat", "hoe", the sentence mood) get long posting lists, as they would in a real large base.

The output depends only on `count` and `seed`. The answers are placeholder texts about the topic: they are
never shown to a user (the scaling run only measures recognition).
"""

from __future__ import annotations

import random

from bot.nlu import KnowledgeEntry

# (Dutch, English) domains and aspects: a topic is "<domain><aspect>" in Dutch, "<domain> <aspect>" in English.
DOMAINS = (
    ("water", "water"), ("afval", "waste"), ("energie", "energy"), ("school", "school"),
    ("ziekenhuis", "hospital"), ("brug", "bridge"), ("weg", "road"), ("woning", "housing"),
    ("verwarming", "heating"), ("riool", "sewer"), ("park", "park"), ("haven", "harbour"),
    ("spoor", "railway"), ("bus", "bus"), ("fiets", "bicycle"), ("markt", "market"),
    ("bibliotheek", "library"), ("sport", "sports"), ("cultuur", "culture"), ("jeugd", "youth"),
    ("ouderen", "elderly"), ("zorg", "care"), ("veiligheid", "safety"), ("brandweer", "fire service"),
    ("politie", "police"), ("archief", "archive"), ("belasting", "tax"), ("grond", "land"),
    ("bos", "forest"), ("landbouw", "farming"), ("voedsel", "food"), ("toerisme", "tourism"),
    ("industrie", "industry"), ("digitaal", "digital"), ("internet", "internet"), ("post", "postal"),
    ("licht", "lighting"), ("gas", "gas"), ("stroom", "power"), ("dijk", "dike"),
    ("kerk", "church"), ("museum", "museum"), ("theater", "theatre"), ("kinderopvang", "childcare"),
    ("onderwijs", "education"), ("gezondheid", "health"), ("milieu", "environment"), ("klimaat", "climate"),
    ("vluchteling", "refugee"), ("noodopvang", "shelter"),
)
ASPECTS = (
    ("beheer", "management"), ("plan", "plan"), ("subsidie", "grant"), ("begroting", "budget"),
    ("onderhoud", "maintenance"), ("herstel", "repair"), ("beleid", "policy"), ("toezicht", "supervision"),
    ("aanbesteding", "tender"), ("vergunning", "permit"), ("gebouw", "building"), ("netwerk", "network"),
    ("personeel", "staff"), ("opleiding", "training"), ("register", "register"), ("rapport", "report"),
    ("inspectie", "inspection"), ("schade", "damage"), ("voorraad", "stock"), ("dienst", "service"),
    ("wet", "law"), ("norm", "standard"), ("kaart", "map"), ("meting", "measurement"),
    ("advies", "advice"), ("project", "project"), ("fonds", "fund"), ("team", "team"),
    ("loket", "desk"), ("systeem", "system"), ("strategie", "strategy"), ("contract", "contract"),
    ("partner", "partner"), ("data", "data"), ("planning", "scheduling"), ("evaluatie", "evaluation"),
    ("audit", "audit"), ("training", "workshop"), ("analyse", "analysis"), ("portaal", "portal"),
    ("protocol", "protocol"), ("campagne", "campaign"), ("monitor", "monitoring"), ("pilot", "pilot"),
    ("commissie", "committee"), ("lening", "loan"), ("handboek", "handbook"), ("keten", "chain"),
)

QUESTIONS = (
    ("Hoe werkt {nl} in een Oekraïense gemeente?", "How does {en} work in a Ukrainian municipality?"),
    ("Wat is {nl} precies?", "What exactly is {en}?"),
    ("Wie regelt {nl} na de oorlog?", "Who arranges {en} after the war?"),
    ("Kunnen Nederlandse gemeenten helpen met {nl}?", "Can Dutch municipalities help with {en}?"),
    ("Hoeveel kost {nl} ongeveer?", "How much does {en} cost?"),
    ("Waar vind ik informatie over {nl}?", "Where can I find information about {en}?"),
)
EXAMPLES = (
    ("vragen over {nl}", "questions about {en}"),
    ("{nl}", "{en}"),
    ("hoe zit het met {nl}", "what about {en}"),
    ("uitleg {nl} graag", "explain {en} please"),
    ("wie is verantwoordelijk voor {nl}", "who is responsible for {en}"),
    ("wat moet ik weten over {nl} in Oekraïne", "what should I know about {en} in Ukraine"),
    ("is er hulp nodig bij {nl}", "is help needed with {en}"),
    ("wanneer start {nl}", "when does {en} start"),
    ("hebben jullie ervaring met {nl}", "do you have experience with {en}"),
)
ANSWER = (
    "Voor {nl} maakt de gemeente samen met experts een plan. Dit antwoord is een voorbeeldtekst.",
    "For {en} the municipality makes a plan together with experts. This answer is a sample text.",
)


def topics(count: int) -> list[tuple[str, str]]:
    """`count` distinct (Dutch, English) topics, the most common domain/aspect pairs first."""
    pairs = [(d, a) for a in ASPECTS for d in DOMAINS]
    if count > len(pairs):
        raise ValueError(f"at most {len(pairs)} synthetic topics")
    return [(d[0] + a[0], f"{d[1]} {a[1]}") for d, a in pairs[:count]]


def synthetic_entries(count: int, seed: int = 14) -> list[KnowledgeEntry]:
    """`count` synthetic entries with ids `syn_0000`, `syn_0001`, ...; deterministic for a seed."""
    rng = random.Random(seed)
    entries = []
    for number, (nl, en) in enumerate(topics(count)):
        question = rng.choice(QUESTIONS)
        examples = rng.sample(EXAMPLES, rng.randint(3, 6))
        entries.append(
            KnowledgeEntry(
                id=f"syn_{number:04d}",
                question={"nl": question[0].format(nl=nl), "en": question[1].format(en=en)},
                answer={"nl": ANSWER[0].format(nl=nl), "en": ANSWER[1].format(en=en)},
                examples={
                    "nl": tuple(e[0].format(nl=nl) for e in examples),
                    "en": tuple(e[1].format(en=en) for e in examples),
                },
            )
        )
    return entries


def typo(word: str, rng: random.Random) -> str:
    """`word` with two neighbouring letters swapped (inside the word), as people type."""
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def synthetic_questions(count: int, entry_count: int, seed: int = 15) -> list[tuple[str, str, str]]:
    """(text, lang, expected entry id) questions about the topics of `synthetic_entries(entry_count)`, every
    third with a typo."""
    rng = random.Random(seed)
    templates = {
        "nl": ("kan iemand mij meer vertellen over {t}?", "{t} in oekraine", "wat weten jullie over {t}"),
        "en": ("can someone tell me more about {t}?", "{t} in ukraine", "what do you know about {t}"),
    }
    subjects = topics(entry_count)
    questions = []
    for i in range(count):
        number = rng.randrange(entry_count)
        lang = "nl" if i % 2 == 0 else "en"
        topic = subjects[number][0 if lang == "nl" else 1]
        if i % 3 == 0:
            topic = " ".join(typo(word, rng) for word in topic.split())
        questions.append((rng.choice(templates[lang]).format(t=topic), lang, f"syn_{number:04d}"))
    return questions
