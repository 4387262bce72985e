"""Composing one reply from a message: every question in it, each answered from the FAQ, from the facts
(content/facts.yaml and the session), from our description of the initiative (content/description.yaml),
or honestly as "not known yet".

Pure and synchronous (no Teams, no database): `Composer.compose(text, lang, now, sessions, last_topic)`
returns the parts of the reply; `bot.questions.answering` turns them into a card and remembers the topic
for follow-ups. The benchmark and the evaluation call it directly.

Per question (a clause of the message), in this order:
0. a question of a kind the assistant never answers (content/facts.yaml `off_topic`: what a ministry does,
   planning a Teams meeting, the weather, the news) gets no answer, whatever words it shares with the data;
1. a follow-up ("en waar?", "wat is het doel ervan?") is read together with the last topic;
2. a claim the question takes for granted (a date, a time, a place, a mode, who pays) is checked: yes or no,
   with the fact;
3. a question the data cannot answer (content/facts.yaml `unknowns`) gets "not known yet";
4. a fact asked directly (partner, the fund's name), a derived fact (weekday, duration, past or coming);
5. the FAQ through the recognizer; several aspects of the session named at once get each answered;
6. when no entry fits with confidence, a passage of the description, said to be from the description.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

import yaml

from bot.core.config import Settings
from bot.core.content import ContentModel, load
from bot.core.i18n import Catalog, format_weekday
from bot.nlu import Recognition, Recognizer
from bot.sessions import FactBase, Session, answer_facts, duration_parts, featured_session, tense_of

Words = tuple[str, ...]
Tense = Literal["past", "now", "coming"]

FACT_LABELS = frozenset({"weekday", "duration", "tense", "premise_no", "premise_yes", "partner", "fund", "unknown"})
LONG_MESSAGE = 240  # characters: from here on, look for the question in the message
MAX_PARTS = 4
MAX_CLAUSES = 6  # questions looked at in one message (each costs a recognition)
FOLLOW_UP_TOKENS = 6
COURTESY = frozenset({"greeting", "thanks"})
SESSION_UNSURE = 0.7  # below this a session answer needs the session named (see `_about_something_else`)
QUESTION_WORD_ASPECT = {"waar": "session_location", "where": "session_location", "wheres": "session_location",
                        "wanneer": "session_when", "when": "session_when", "whens": "session_when"}
SESSION_ENTRIES = frozenset({"session_when", "session_location", "session_online"})

def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


QUESTION_WORDS = _set(
    "wanneer waar wie wat welke welk hoe hoeveel waarom waarvoor waarmee kan kunnen kun mag mogen moet moeten is "
    "zijn wordt worden komt krijgen krijg heeft hebben doet gaat betaalt klopt when where who what which how why "
    "can could is are do does will would may should was were has have whats wheres whos hows whens"
)
WH_WORDS = _set("wat wie waar wanneer hoe welke welk waarom hoeveel what whats who whos where wheres when whens how hows which why")
BARE_WORDS = QUESTION_WORDS | {"laat", "lang", "time", "late", "long", "precies", "exactly"}
PREPOSITIONS = _set("voor met van naar in op bij for with from to at on by")
CONJUNCTION = re.compile(r"(?:\s*,\s*(?:en|and|&|plus)?|\s+(?:en|and|&|plus))\s+(?=\w)", re.IGNORECASE)
# Words that may stand between "en"/"and" and the question they join ("en ook: hoe laat?", "and also where?").
LINKING = _set("ook verder daarnaast bovendien tevens nog dan eigenlijk also then besides moreover furthermore additionally too")
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# The lead-in of an indirect question, up to the question it asks ("Ik wil graag weten | waar het is",
# "Could you tell me | when it starts"): the question is read without it.
LEAD_IN = re.compile(
    r"^(?:[^\W_]+[\s,']+){0,8}?(?:weten|vertellen|zeggen|uitleggen|know|tell (?:me|us)|explain|wonder|wondering|"
    r"benieuwd|afvragen|vraag (?:me|ik me) af|vroeg (?:me|ik me) af|hoor (?:ik )?graag|hoor ik|laat (?:me|mij|ons) (?:even )?weten|"
    r"let (?:me|us) know|please advise|advise)[\s,:]+(?=(?:wanneer|waar|wie|wat|welke|welk|hoe|hoeveel|waarom|of|"
    r"when|where|who|what|which|how|why|whether|if)\b)",
    re.IGNORECASE,
)
# A sentence that asks without a question mark: "ik vroeg me af of ...", "I wonder whether ...".
ASKING = re.compile(
    r"\b(?:vroeg (?:me|ik me) af|vraag (?:me|ik me) af|afvragen|benieuwd|graag weten|wil weten|wonder|wondering|"
    r"would like to know|i'd like to know|want to know|could you|can you|kunt u|kunnen jullie|kun je|please explain|"
    r"hoor (?:ik )?graag|graag hoor ik|hoor ik graag|laat (?:me|mij|ons) (?:even )?weten|let (?:me|us) know|please advise)\b",
    re.IGNORECASE,
)
# A question that points back to the sentence before it ("Could you explain that idea?", "Kan dat?").
REFERS_BACK = re.compile(
    r"\b(?:that|this|it|those|these|dat|dit|die|deze|het|daar|hier|daarover|hierover|erover|ervan|daarvan)\b", re.IGNORECASE
)
POINTING_BACK = 3  # content words: fewer, and a word that points back, and the question needs its context
WHETHER = re.compile(r"^(?:of|whether|if)\s+", re.IGNORECASE)  # opens a yes/no question asked indirectly
SENTENCE_END = re.compile(r"(?<=[?!;])\s*|(?<=\.)\s+")
COLON_LEAD = re.compile(r"^.{0,80}?:\s+(?=\S)")
TIME_RANGE = re.compile(
    r"(?<![\d:.])(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|uur|u|h)?\s*(?:-|\u2013|tot|to|till|until|t/m)\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|uur|u|h)?(?![\d])",
)
TIME_AT = re.compile(
    r"\b(?:om|at|vanaf|from|begint|starts?|start|begins?|around|rond)\s+(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|uur|u|h|o'clock)?(?![\d])",
)
TIME_CLOCK = re.compile(r"(?<![\d:.])(\d{1,2})[:.](\d{2})(?![\d])")
YEAR = re.compile(r"\b(20\d\d)\b")
PLACE = re.compile(r"\b(?:in|te)\s+((?:[A-Z][\w'-]+)(?:\s+[A-Z][\w'-]+)?)")
PLACE_TYPED = re.compile(r"\b(?:in|te)\s+([\w'-]+)(?:\s+([\w'-]+))?")  # a place typed in lower case, checked against known names


def normalize(text: str) -> str:
    """Lower case, no accents, words separated by single spaces, padded with a space on both sides."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " " + " ".join(re.findall(r"[a-z0-9]+", plain.replace("'", ""))) + " "


class WordSet:
    """Phrases to look for in a normalized text; a word ending in * matches every word it starts."""

    def __init__(self, phrases: Words):
        cleaned = [normalize(p.rstrip("*")).strip() for p in phrases]
        self._prefixes = tuple(" " + c for p, c in zip(phrases, cleaned, strict=True) if p.endswith("*") and c)
        self._phrases = tuple(f" {c} " for p, c in zip(phrases, cleaned, strict=True) if not p.endswith("*") and c)

    def find(self, norm: str) -> int:
        """The position of the first match in `norm`, or -1."""
        positions = [i for i in (norm.find(p) for p in self._phrases + self._prefixes) if i >= 0]
        return min(positions) if positions else -1

    def __contains__(self, norm: str) -> bool:
        return self.find(norm) >= 0


def all_groups(groups: Sequence[WordSet], norm: str) -> bool:
    return bool(groups) and all(norm in group for group in groups)


class _Passage(ContentModel):
    id: str
    topic: str
    nl: str
    en: str


class Description(ContentModel):
    """content/description.yaml: our own description of the initiative, in passages."""

    passages: tuple[_Passage, ...]

    @classmethod
    def load(cls, path: Path) -> Description:
        return load(cls, path)


@dataclass(frozen=True)
class Part:
    """One answered part of a reply.

    label: an entry id, an intent name, weekday / duration / tense, premise_no / premise_yes, partner / fund,
    unknown, description, suggest or none; topic: the entry it belongs with (for follow-ups and the
    evaluation); title: a heading (an entry's question), text: what the user reads.
    """

    label: str
    text: str = ""
    topic: str | None = None
    title: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def answered(self) -> bool:
        return self.label not in ("none", "suggest")

    @property
    def outcome(self) -> str:
        """The label the evaluation compares: a description passage counts for its topic."""
        if self.label == "description":
            return f"description:{self.topic}"
        if self.label == "suggest":
            return "suggest:" + ",".join(self.candidates)
        return self.label


@dataclass(frozen=True)
class Composition:
    question: str  # the part of the message that was answered (the question found in a long message)
    parts: tuple[Part, ...]
    recognition: Recognition | None = None  # the recognizer's view of the whole question
    indirect: bool = False  # asked indirectly ("Kunt u mij vertellen wanneer ...?"): read without its lead-in

    @property
    def topic(self) -> str | None:
        topics = [p.topic for p in self.parts if p.topic]
        return topics[-1] if topics else None

    answers_task: bool = False  # a question about a task ("hoe meld ik me aan?") answered with its entry

    @property
    def composed(self) -> bool:
        """More than the recognizer alone would say: several parts, a part from the facts, or a question about
        a task answered instead of starting it."""
        shown = [p for p in self.parts if p.answered and p.text]
        return (
            len(shown) > 1 or any(p.label in FACT_LABELS for p in shown) or ((self.indirect or self.answers_task) and bool(shown))
        )


@dataclass
class _Context:
    lang: str
    now: datetime
    session: Session | None
    facts: dict[str, str]
    tense: Tense
    several: bool = False
    indirect: bool = False  # asked indirectly: its short clauses are not follow-ups by their shape alone
    configured: frozenset[str] = frozenset()  # facts organizers have set (venue_address, join_url, donation_details)
    off_topic: bool = False  # a clause asked about something the assistant never answers
    answers_task: bool = False  # a clause asked about a task and got the entry that explains it
    known: dict[str, Recognition] = field(default_factory=dict)  # recognitions already made, by text


class Composer:
    def __init__(
        self,
        *,
        recognizer: Recognizer,
        catalog: Catalog,
        facts: FactBase,
        description: Description,
        settings: Settings,
        places: frozenset[str] = frozenset(),
    ):
        """`places`: names of places (normalized), recognized in a claim also when typed without a capital."""
        self._recognizer = recognizer
        # Entries organizers add in Teams later answer their question even where a rule would (they know more).
        self._shipped = frozenset(entry.id for entry in recognizer.entries())
        self._catalog = catalog
        self._base = facts
        self._settings = settings
        w = facts.words
        self._weekdays = {normalize(d).strip(): i for days in w.weekdays.values() for i, d in enumerate(days)}
        self._months = {normalize(m).strip(): i + 1 for months in w.months.values() for i, m in enumerate(months)}
        # Months as people shorten them: "4 okt", "oct 4".
        self._months |= {name[:3]: number for name, number in list(self._months.items()) if name[:3] not in self._months}
        month_names = "|".join(sorted(self._months, key=len, reverse=True))
        # On a normalized text; the spaces around are looked at, not taken, so that matches may share them.
        self._day_month = re.compile(
            rf"(?<= )(\d{{1,2}}) (?:e |ste |de |th |st |nd |rd |of )?({month_names})(?= )|(?<= )({month_names}) (\d{{1,2}})(?= )"
        )
        self._names_date = frozenset(normalize(word).strip() for word in w.names_date)
        self._funder = WordSet(w.funder)
        self._paying = WordSet(w.paying)
        self._paid_for = WordSet(w.paid_for)
        self._other_payers = WordSet(w.other_payers)
        self._city = WordSet(w.session_city)
        self._not_places = WordSet(w.not_places)
        self._only_online = WordSet(w.only_online)
        self._only_in_person = WordSet(w.only_in_person)
        self._day_parts = {part: WordSet(words) for part, words in w.day_parts.items()}
        self._openers = WordSet(w.follow_openers)
        self._refer_back = WordSet(w.refer_back)
        self._purpose = WordSet(w.purpose)
        self._session_words = WordSet(facts.session_words)
        self._derived = {name: [WordSet(g) for g in groups] for name, groups in facts.derived.items()}
        self._derived_except = {name: WordSet(words) for name, words in facts.derived_except.items()}
        self._unknowns = [(u, [WordSet(g) for g in u.all], WordSet(u.except_)) for u in facts.unknowns]
        self._off_topic = [([WordSet(g) for g in o.all], WordSet(o.except_)) for o in facts.off_topic]
        self._task_opens = WordSet(facts.task_questions.opens)
        self._task_still = WordSet(facts.task_questions.still)
        self._topic_words = {topic: normalize(" ".join(words)).strip() for topic, words in facts.topic_words.items()}
        self._places = places
        self._asked = {name: [WordSet(g) for g in groups] for name, groups in facts.asked.items()}
        self._aspects = {entry: WordSet(words) for entry, words in facts.aspects.items()}
        self._types = [(t, [WordSet(g) for g in t.all], WordSet(t.except_)) for t in facts.question_types]
        self._passages = description.passages
        self._passage_terms = {
            lang: [set(_content_words(getattr(p, lang))) for p in description.passages] for lang in ("nl", "en")
        }

    @classmethod
    def from_content(cls, content: Path, *, recognizer: Recognizer, catalog: Catalog, settings: Settings) -> Composer:
        """Reads content/facts.yaml, content/description.yaml and the place names of content/municipalities.yaml."""
        return cls(
            recognizer=recognizer, catalog=catalog, settings=settings,
            facts=FactBase.load(content / "facts.yaml"), description=Description.load(content / "description.yaml"),
            places=_place_names(content / "municipalities.yaml"),
        )

    # --- the whole message ------------------------------------------------------------------------------
    def compose(
        self,
        text: str,
        lang: str,
        now: datetime,
        sessions: Sequence[Session],
        last_topic: str | None = None,
        recognition: Recognition | None = None,
    ) -> Composition:
        """`recognition`: the recognizer's result for the whole `text`, when the caller has it already."""
        ctx = self._context(lang, now, sessions)
        if recognition is not None:
            ctx.known[" ".join(text.split())] = recognition
        courtesy, rest = self._recognizer.split_courtesy(text)
        if courtesy is not None and rest:  # "Hallo! Waar is het?": the greeting is no question of its own
            text = rest
        question = self.find_question(text)
        clauses = self.clauses(question)[:MAX_CLAUSES]
        ctx.several = len(clauses) > 1
        ctx.indirect = any(LEAD_IN.match(s.strip(" ?!.;,")) for s in SENTENCE_END.split(question))
        parts: list[Part] = []
        topic = last_topic
        whole: Recognition | None = None
        for clause in clauses:
            for part in self._clause(clause, ctx, topic):
                if part.answered and any(p.outcome == part.outcome or (part.text and p.text == part.text) for p in parts):
                    continue
                parts.append(part)
                topic = part.topic or topic
        answered = [p for p in parts if p.answered]
        if len(answered) > 1:  # a greeting or thanks beside a question is courtesy, not a part to answer
            answered = [p for p in answered if p.label not in COURTESY] or answered
        if answered:
            parts = answered[:MAX_PARTS]
        elif ctx.off_topic:  # not answered from the whole message either: its question is of a kind never answered
            parts = [Part(label="none")]
        else:
            whole = ctx.known.get(question) or self._recognizer.recognize(question, lang)
            parts = [self._unanswered(question, whole, ctx)]
        return Composition(
            question=question, parts=tuple(parts), recognition=whole, indirect=ctx.indirect, answers_task=ctx.answers_task
        )

    def topic_of_task(self, job: str) -> str | None:
        """The entry that explains a task (content/facts.yaml `task_answers`): the topic while it runs."""
        return self._base.task_answers.get(job)

    def render_entry(self, entry_id: str, lang: str, now: datetime, sessions: Sequence[Session]) -> str:
        """An entry's answer with the facts filled in, in the past tense when the session is over."""
        return self._entry(entry_id, self._context(lang, now, sessions)).text

    def _context(self, lang: str, now: datetime, sessions: Sequence[Session]) -> _Context:
        session = featured_session(sessions, now)
        facts = answer_facts(self._catalog, self._settings, sessions, lang, now) | self._base.initiative_facts(lang)
        donation = self._settings.donation_details_en if lang == "en" else self._settings.donation_details_nl
        configured = {
            name for name, value in (
                ("venue_address", session.venue_address if session else ""),
                ("join_url", session.join_url if session else ""),
                ("donation_details", donation),
            ) if value and value.strip()
        }
        return _Context(
            lang, now, session, facts, tense_of(session, now) if session else "coming", configured=frozenset(configured)
        )

    def find_question(self, text: str) -> str:
        """In a long message, the sentence that asks: the last one with a question mark, else the last that
        asks indirectly ("Ik vroeg me af of ..."), else the last that is not only courtesy ("Alvast bedankt!").
        A question that only points back ("Could you explain that idea?") is read with the sentence before it."""
        text = " ".join(text.split())
        if len(text) <= LONG_MESSAGE:
            return text
        sentences = [s.strip() for s in SENTENCE_END.split(text) if s.strip()]
        said = [s for s in sentences if self._recognizer.split_courtesy(s)[1]]
        asking = (
            [s for s in sentences if s.endswith("?")]
            or [s for s in said if ASKING.search(s)]
            or said[-1:]
            or sentences[-1:]
        )
        found = asking[-1] if asking else text
        found = COLON_LEAD.sub("", found) if len(found.split(":", 1)[-1].split()) >= 3 else found
        position = sentences.index(asking[-1]) if asking and asking[-1] in sentences else 0
        if position > 0 and len(_content_words(found)) < POINTING_BACK and REFERS_BACK.search(found):
            found = f"{sentences[position - 1]} {found}"
        return found

    @staticmethod
    def clauses(text: str) -> list[str]:
        """The separate questions in a message: sentences, and parts joined by "en"/"and" or a comma
        when the next part opens as a question ("... en hoe kunnen wij ...", "..., and is there ...")."""
        result: list[str] = []
        for raw in SENTENCE_END.split(text):
            bare = raw.strip(" ?!.;,")
            sentence = LEAD_IN.sub("", bare)
            if not sentence:
                continue
            mark = "?" if raw.rstrip().endswith("?") else ""  # the recognizer reads a question by its mark
            indirect = sentence != bare
            if indirect:  # "ik vroeg me af | of het online kan": asked indirectly, read as the question
                sentence, mark = WHETHER.sub("", sentence) or sentence, "?"
            pieces, start = [], 0
            for match in CONJUNCTION.finditer(sentence):
                following = [w.replace("'", "") for w in WORD.findall(sentence[match.end() : match.end() + 80].lower())]
                while following and following[0] in LINKING:  # "en ook: hoe ...", "and also where ..."
                    following = following[1:]
                first, second = [*following, "", ""][:2]
                before = sentence[start : match.start()]
                opens_question = first in QUESTION_WORDS or first == "whether" or (first in PREPOSITIONS and second in QUESTION_WORDS)
                if opens_question and (indirect or _asks(before)):  # "hoi, waar ..." stays one
                    pieces.append(before)
                    start = match.end()
            pieces.append(sentence[start:])
            pieces = [_unlinked(LEAD_IN.sub("", p.strip(" ,"))) for p in pieces]
            pieces = [p for p in pieces if p]
            if pieces:
                pieces[-1] += mark
            merged: list[str] = []
            for i, piece in enumerate(pieces):
                words = piece.lower().rstrip("?").split()
                if len(words) <= 2 and all(w in BARE_WORDS for w in words) and i + 1 < len(pieces):
                    rest = pieces[i + 1].split()
                    while rest and rest[0].lower() in WH_WORDS:
                        rest = rest[1:]
                    merged.append(" ".join([piece.rstrip("?"), *rest]))  # "wanneer" + "(waar) is de bijeenkomst"
                else:
                    merged.append(piece)
            result.extend(merged)
        return result or [text]

    # --- one question --------------------------------------------------------------------------------------
    def _clause(self, clause: str, ctx: _Context, last_topic: str | None) -> list[Part]:
        norm = normalize(clause)
        if self._is_off_topic(norm):
            ctx.off_topic = True
            return [Part(label="none")]
        by_shape = not ctx.indirect or norm in self._refer_back
        if last_topic and by_shape and self._is_follow_up(norm):
            part = self._follow_up(clause, norm, ctx, last_topic)
            if part is not None:
                return [part]
        recognition = ctx.known.get(clause) or self._recognizer.recognize(clause, ctx.lang)
        if recognition.kind == "answer" and recognition.entry_id and recognition.entry_id not in self._shipped:
            return [self._entry(recognition.entry_id, ctx)]
        part = None
        if is_question(clause, norm):  # "ik wil me aanmelden voor dinsdag 4 oktober" is a wish, not a claim
            dated = self._names_session_date(norm, ctx)  # "welke dag was 4 oktober?" asks about the session
            if dated and (norm.split() or [""])[0] in WH_WORDS:  # "welke dag was 4 oktober?" asks; it claims nothing
                part = self._derived_fact(norm, ctx, session_implied=dated)
            part = part or self._premise(clause, norm, ctx, session_implied=dated) or self._unknown(norm, ctx)
            part = part or self._asked_fact(norm, ctx) or self._derived_fact(norm, ctx, session_implied=dated)
        if part is not None:
            return [part]
        typed = self._typed(norm, recognition, ctx)
        if typed is not None:
            return [typed]
        aspects = self._aspects_in(norm)
        if len(aspects) >= 2 and (recognition.kind != "answer" or recognition.entry_id in aspects):
            return [self._entry(entry_id, ctx) for entry_id in aspects]
        if recognition.kind == "answer" and recognition.entry_id:
            if self._about_something_else(norm, recognition):
                return [Part(label="none")]
            return [self._entry(self._by_question_word(norm, recognition.entry_id), ctx)]
        if recognition.kind == "intent" and recognition.intent:
            entry_id = self._base.task_answers.get(recognition.intent)
            if entry_id and self._known(entry_id) and (ctx.several or self._asks_about_task(clause, norm)):
                ctx.answers_task = ctx.answers_task or not ctx.several
                return [self._entry(entry_id, ctx)]
            return [Part(label=recognition.intent)]
        if len(aspects) == 1 and len(norm.split()) <= 5 and not recognition.unfamiliar:
            return [self._entry(aspects[0], ctx)]
        passage = self._passage(norm, ctx, unfamiliar=recognition.unfamiliar)
        if passage is not None:
            return [passage]
        return [self._unanswered(clause, recognition, ctx)]

    def _about_something_else(self, norm: str, recognition: Recognition) -> bool:
        """A question the recognizer took, without much certainty, for one about the session's time, place or
        mode, that does not name the session ("When does the war end?", "Wie is de burgemeester van Den
        Haag?"): it asks about something else, and gets no answer (the organizers are offered)."""
        if recognition.entry_id not in SESSION_ENTRIES or recognition.score >= SESSION_UNSURE or norm in self._session_words:
            return False
        without_question_words = " " + " ".join(w for w in norm.split() if w not in WH_WORDS) + " "
        return not self._aspects_in(without_question_words) and len(_content_words(norm)) >= 2

    def _by_question_word(self, norm: str, entry_id: str) -> str:
        """Among the session's when and where, what the question word asks: "Waar vindt de bijeenkomst
        plaats?" asks where, though "vindt plaats" is how people ask when."""
        if entry_id not in SESSION_ENTRIES or len(self._aspects_in(norm)) > 1:
            return entry_id
        first = norm.split(maxsplit=1)[0] if norm.strip() else ""
        asked = QUESTION_WORD_ASPECT.get(first)
        return asked if asked and asked != entry_id and self._known(asked) and entry_id != "session_online" else entry_id

    def _unanswered(self, clause: str, recognition: Recognition, ctx: _Context) -> Part:
        if recognition.kind == "answer" and recognition.entry_id:
            if self._about_something_else(normalize(clause), recognition):
                return Part(label="none")
            return self._entry(recognition.entry_id, ctx)
        if recognition.kind == "intent" and recognition.intent:
            return Part(label=recognition.intent)
        passage = self._passage(normalize(clause), ctx, unfamiliar=recognition.unfamiliar)
        if passage is not None:
            return passage
        if recognition.kind == "suggest" and recognition.candidates:
            return Part(label="suggest", candidates=recognition.candidates)
        return Part(label="none")

    # --- follow-ups ----------------------------------------------------------------------------------------
    def _is_follow_up(self, norm: str) -> bool:
        words = norm.split()
        if not words or len(words) > FOLLOW_UP_TOKENS:
            return norm in self._refer_back and len(words) <= FOLLOW_UP_TOKENS + 2
        return self._openers.find(norm) == 0 or norm in self._refer_back or (len(words) <= 3 and words[0] in QUESTION_WORDS)

    def _follow_up(self, clause: str, norm: str, ctx: _Context, last_topic: str) -> Part | None:
        short = len(norm.split()) <= 4 or norm in self._refer_back or self._openers.find(norm) == 0
        if norm in self._purpose and short:
            target = self._base.purpose_of.get(last_topic) or self._base.purpose_of["default"]
            return self._entry(target, ctx) if self._known(target) else None
        session_topic = last_topic.startswith("session_")
        own = self._premise(clause, norm, ctx, session_implied=session_topic) or self._unknown(norm, ctx) or self._asked_fact(norm, ctx)
        lent = self._topic_words.get(last_topic)
        own = own or (self._asked_fact(f"{norm}{lent} ", ctx) if lent else None)  # "its full name?" after the fund
        own = own or self._derived_fact(norm, ctx, session_implied=session_topic)
        if own is not None:
            return own
        aspects = self._aspects_in(norm)
        if aspects and last_topic.startswith("session_"):
            return self._entry(aspects[0], ctx)
        if not self._known(last_topic):
            return None
        alone = ctx.known.get(clause) or self._recognizer.recognize(clause, ctx.lang)
        ctx.known[clause] = alone
        if alone.kind == "answer" and norm not in self._refer_back:
            return None  # "wie betaalt dit?" is a question of its own, whatever was asked before
        subject = [w for w in self._recognizer.entry(last_topic).question[ctx.lang].split() if w.lower() not in QUESTION_WORDS]
        words = clause.split()
        if words and self._openers.find(normalize(words[0])) == 0:
            words = words[1:]
        recognition = self._recognizer.recognize(" ".join(words + subject), ctx.lang)
        if recognition.kind == "answer" and recognition.entry_id:
            return self._entry(recognition.entry_id, ctx)
        return None

    # --- claims --------------------------------------------------------------------------------------------
    def _premise(self, clause: str, norm: str, ctx: _Context, *, session_implied: bool = False) -> Part | None:
        """A claim about who pays, or about the session's date, time, place or mode (when the question names
        the session, or follows one about it: "Is Buitenlandse Zaken op zondag open?" claims nothing of it)."""
        claims_payer = norm in self._paying and norm in self._paid_for
        if claims_payer and (self._funder.find(norm) >= 0 or self._other_payers.find(norm) >= 0):
            right = self._funder.find(norm) >= 0 and self._other_payers.find(norm) < 0
            key = "composer.premise.funder_yes" if right else "composer.premise.funder_no"
            return self._part("premise_yes" if right else "premise_no", key, ctx, topic="funding")
        session = ctx.session
        if session is None or not (session_implied or norm in self._session_words):
            return None
        tense = "past" if ctx.tense == "past" else "coming"
        when = self._when_claim(clause, norm, session)
        if when is not None:
            label = "premise_yes" if when else "premise_no"
            key = f"composer.premise.when_{'yes' if when else 'no'}.{tense}"
            return self._part(label, key, ctx, topic="session_when")
        hybrid = set(session.modes) == {"in_person", "online"}
        if hybrid and (norm in self._only_online or norm in self._only_in_person):
            return self._part("premise_no", f"composer.premise.mode_no.{tense}", ctx, topic="session_location")
        place = self._place_claim(clause) if (norm.split(maxsplit=1) or [""])[0] not in WH_WORDS else None
        if place is not None:
            label = "premise_yes" if place else "premise_no"
            key = f"composer.premise.place_{'yes' if place else 'no'}.{tense}"
            return self._part(label, key, ctx, topic="session_location")
        return None

    def _when_claim(self, clause: str, norm: str, session: Session) -> bool | None:
        """True/False when the clause claims a date or time that is right/wrong; None when it claims none."""
        start, end = session.local_start, session.local_end
        verdicts: list[bool] = []
        days = [self._weekdays[w] for w in norm.split() if w in self._weekdays]
        verdicts += [d == start.weekday() for d in days]
        for match in self._day_month.finditer(norm):
            before = norm[: match.start()].split()
            if before and before[-1] in self._names_date:
                continue  # "de bijeenkomst van 4 oktober", "register for oct 4": names the session, claims nothing
            day = match.group(1) or match.group(4)
            month = self._months[match.group(2) or match.group(3)]
            verdicts.append((int(day), month) == (start.day, start.month))
        verdicts += [int(y) == start.year for y in YEAR.findall(clause)]
        lowered = clause.lower()
        month_words = set(self._months)
        times: list[tuple[int, int, str | None]] = []
        span = TIME_RANGE.search(lowered)
        if span and not _followed_by(lowered, span.end(), month_words):
            suffix = span.group(6) or span.group(3)
            times = [(int(span.group(1)), int(span.group(2) or 0), span.group(3) or suffix),
                     (int(span.group(4)), int(span.group(5) or 0), suffix)]
        else:
            at = TIME_AT.search(lowered) or TIME_CLOCK.search(lowered)
            if at and not _followed_by(lowered, at.end(), month_words):
                times = [(int(at.group(1)), int(at.group(2) or 0), at.group(3) if at.lastindex and at.lastindex >= 3 else None)]
        wanted = [(start.hour, start.minute), (end.hour, end.minute)]
        for (hour, minute, suffix), (want_h, want_m) in zip(times, wanted, strict=False):
            verdicts.append((_hour24(hour, suffix), minute) == (want_h, want_m))
        if not times:  # "het is toch 's ochtends?": the part of the day it starts in
            named = [part for part, words in self._day_parts.items() if norm in words]
            if len(named) == 1:
                verdicts.append(named[0] == _day_part(start.hour))
        return all(verdicts) if verdicts else None

    def _place_claim(self, clause: str) -> bool | None:
        for match in PLACE.finditer(clause):
            place = normalize(match.group(1))
            if place in self._city:
                return True
            if place in self._not_places or normalize(match.group(1).split()[0]) in self._not_places:
                continue
            return False
        for match in PLACE_TYPED.finditer(clause.lower()):  # "de bijeenkomst is in amsterdam he": a known place
            one = normalize(match.group(1)).strip()
            two = normalize(f"{match.group(1)} {match.group(2)}").strip() if match.group(2) else one
            for place in (two, one):
                if place in self._places or f" {place} " in self._city:
                    return f" {place} " in self._city
        return None

    def _names_session_date(self, norm: str, ctx: _Context) -> bool:
        """Whether the question names the session's date ("4 oktober", "oct 4"): then it is about the session."""
        if ctx.session is None:
            return False
        start = ctx.session.local_start
        for match in self._day_month.finditer(norm):
            day, month = match.group(1) or match.group(4), self._months[match.group(2) or match.group(3)]
            if (int(day), month) == (start.day, start.month):
                return True
        return False

    def _is_off_topic(self, norm: str) -> bool:
        return any(all_groups(groups, norm) and norm not in excepted for groups, excepted in self._off_topic)

    def _asks_about_task(self, clause: str, norm: str) -> bool:
        """"Hoe meld ik me aan?", "Kan ik me nog aanmelden?": a question about a task, not a request to start it."""
        return is_question(clause, norm) and (self._task_opens.find(norm) == 0 or norm in self._task_still)

    # --- facts the data holds or lacks ---------------------------------------------------------------------
    def _unknown(self, norm: str, ctx: _Context) -> Part | None:
        for unknown, groups, excepted in self._unknowns:
            if unknown.unless in ctx.configured or norm in excepted:
                continue
            if all_groups(groups, norm):
                about = unknown.about.get(ctx.lang) or unknown.about["nl"]
                return Part(label="unknown", text=self._catalog.text(ctx.lang, "composer.not_known", about=about))
        return None

    def _asked_fact(self, norm: str, ctx: _Context) -> Part | None:
        for name, groups in self._asked.items():
            if all_groups(groups, norm) and self._known(name):  # a fact an entry gives ("wie betaalt dit?")
                return self._entry(name, ctx)
            if all_groups(groups, norm):
                topic = {"organiser": "vng_role", "partner": "ukrainian_ownership", "fund": "donate"}.get(name)
                return self._part(name, f"composer.{name}", ctx, topic=topic)
        return None

    def _derived_fact(self, norm: str, ctx: _Context, *, session_implied: bool = False) -> Part | None:
        if ctx.session is None or not (session_implied or norm in self._session_words):
            return None
        tense = "past" if ctx.tense == "past" else "coming"
        for name, groups in self._derived.items():
            if all_groups(groups, norm) and not (name in self._derived_except and norm in self._derived_except[name]):
                key = f"composer.{name}.{ctx.tense}" if name == "tense" else f"composer.{name}.{tense}"
                return self._part(name, key, ctx, topic="session_when")
        return None

    def _typed(self, norm: str, recognition: Recognition, ctx: _Context) -> Part | None:
        """A why or what-for question about the initiative (content/facts.yaml `question_types`) gets the entry
        that gives the reasons or the aims, unless the recognizer chose an entry that answers such a question
        (it may have matched the question's topic words, not what it asks). A question that matches nothing
        and is mostly in words the bot does not know is about something else and is left alone."""
        if recognition.kind == "intent" or (recognition.kind == "none" and recognition.unfamiliar):
            return None
        for kind, groups, excepted in self._types:
            if not all_groups(groups, norm) or norm in excepted:
                continue
            if recognition.kind == "answer" and recognition.entry_id in kind.answers:
                return None
            if self._known(kind.default):
                return self._entry(kind.default, ctx)
            return self._passage_of(kind.default, ctx)
        return None

    def _passage_of(self, topic: str, ctx: _Context) -> Part | None:
        passage = next((p for p in self._passages if p.topic == topic), None)
        if passage is None:
            return None
        heading = self._catalog.text(ctx.lang, "composer.from_description")
        return Part(label="description", text=getattr(passage, ctx.lang), topic=passage.topic, title=heading)

    def _aspects_in(self, norm: str) -> list[str]:
        found = sorted((ws.find(norm), entry) for entry, ws in self._aspects.items() if ws.find(norm) >= 0)
        return [entry for _, entry in found if self._known(entry)]

    def _passage(self, norm: str, ctx: _Context, *, unfamiliar: bool = False) -> Part | None:
        """The description's passage that shares the most content words with the question, when it shares at
        least two (and more than any other passage)."""
        words = set(_content_words(norm))
        if len(words) < 2:
            return None
        scored = sorted(((len(words & terms), i) for i, terms in enumerate(self._passage_terms[ctx.lang])), reverse=True)
        best, index = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0
        # A question mostly in words the knowledge data does not know ("can you translate this letter into
        # Ukrainian?") is likely about something else: the passage must then share most of its words.
        share = 2 / 3 if unfamiliar else 1 / 2
        if best < 2 or best == runner_up or best < len(words) * share:
            return None
        passage = self._passages[index]
        heading = self._catalog.text(ctx.lang, "composer.from_description")
        return Part(label="description", text=getattr(passage, ctx.lang), topic=passage.topic, title=heading)

    # --- rendering -----------------------------------------------------------------------------------------
    def _known(self, entry_id: str) -> bool:
        return self._recognizer.has_entry(entry_id)

    def _entry(self, entry_id: str, ctx: _Context) -> Part:
        entry = self._recognizer.entry(entry_id)
        past_key = f"composer.past.{entry_id}"
        if ctx.tense == "past" and self._catalog.has(past_key, ctx.lang):
            text = self._catalog.text(ctx.lang, past_key, **ctx.facts)
        else:
            text = entry.render(ctx.lang, ctx.facts)
        return Part(label=entry_id, text=text, topic=entry_id, title=entry.question[ctx.lang])

    def _part(self, label: str, key: str, ctx: _Context, *, topic: str | None) -> Part:
        return Part(label=label, text=self._catalog.text(ctx.lang, key, **self._values(ctx)), topic=topic)

    def _values(self, ctx: _Context) -> Mapping[str, str]:
        values = dict(ctx.facts)
        if ctx.session is not None:
            start = ctx.session.local_start
            values["weekday"] = format_weekday(start, ctx.lang)
            hours, minutes = duration_parts(ctx.session)
            if hours and minutes:
                values["duration"] = self._catalog.text(ctx.lang, "composer.hours_minutes", hours=hours, minutes=minutes)
            elif hours:
                values["duration"] = self._catalog.text(ctx.lang, "composer.hours", hours=hours)
            else:
                values["duration"] = self._catalog.text(ctx.lang, "composer.minutes", minutes=minutes)
        return values


TAGS = (" toch ", " klopt ", " right ", " correct ", " isnt it ", " is it ", " niet waar ", " or not ", " of niet ")


TAIL_TAGS = (" he ",)  # a tag that asks only at the end: "het is in Den Haag, hè"


def is_question(clause: str, norm: str) -> bool:
    """A question mark, a question word or verb first, or a tag ("..., klopt dat?", "..., right", "..., hè")."""
    words = norm.split()
    return (
        clause.rstrip().endswith("?") or bool(words and words[0] in QUESTION_WORDS) or any(t in norm for t in TAGS)
        or norm.endswith(TAIL_TAGS)
    )


def _unlinked(piece: str) -> str:
    """A joined question without the linking words before it ("ook: hoe laat" -> "hoe laat")."""
    words = piece.split()
    while len(words) > 1 and normalize(words[0]).strip() in LINKING:
        words = words[1:]
    return " ".join(words).strip(" ,:")


def _asks(text: str) -> bool:
    """Whether a part of a sentence asks something, directly or indirectly ("ik wil graag weten waar het is",
    "I'd like to know when it starts"): then a question joined to it by "en"/"and" is a question of its own."""
    norm = normalize(text)
    return is_question(text, norm) or any(w in WH_WORDS or w == "whether" for w in norm.split())


def _followed_by(text: str, position: int, words: set[str]) -> bool:
    following = normalize(text[position : position + 20]).split()
    return bool(following) and following[0] in words


def _day_part(hour: int) -> str:
    return "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"


def _hour24(hour: int, suffix: str | None) -> int:
    if suffix == "pm" and hour < 12:
        return hour + 12
    if suffix == "am":
        return hour % 12
    return hour + 12 if 1 <= hour <= 7 else hour  # "om 2 uur" is two in the afternoon


STOP = _set(
    "de het een en of van in op te voor met aan bij naar om uit tot als dan dat die er is zijn wordt worden "
    "ook nog wel maar zo toch wij we ik u jullie je hun ze zij dit deze wat wie waar hoe welke waarom wanneer "
    "the a an and or of in on to for with at by from as than that this these those is are be been was were "
    "it its we i you they our your their what who where how which why when do does did can could will would "
    "vng international"
)


def _content_words(text: str) -> list[str]:
    return [w[:6] for w in normalize(text).split() if w not in STOP and len(w) > 2]


def _place_names(path: Path) -> frozenset[str]:
    """The municipalities of content/municipalities.yaml and their other names, normalized (none without the file)."""
    if not path.exists():
        return frozenset()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    names = [str(n) for group in (data.get("provinces") or {}).values() for n in group]
    names += [str(alias) for alias in (data.get("aliases") or {})]
    return frozenset(normalize(n).strip() for n in names)
