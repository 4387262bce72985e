"""A TF-IDF cosine index over the phrasings of each target, queried through inverted lists held in numpy arrays.

A target is an FAQ entry or an intent. It is represented twice: by each of its phrasings (question and
examples) as separate documents, and by one profile document that joins all its phrasings and, for an
entry, its answer. A target's score blends its best phrasing's cosine similarity with its profile's:
the best phrasing rewards a close paraphrase, the profile breaks ties in favour of the target whose
vocabulary covers more of the question.

Term weights are (1 + ln tf) * idf, with document frequency counted per target, so words used by many
targets ("gemeente", "wat") weigh little. A query word the index has never seen still counts in the
query's length with a high weight, so a question that is mostly about something else scores low.

The index grows and shrinks one target at a time (`set_target`, `remove_target`): a target's documents are
kept as its own block of term ids and term-frequency factors, and the document frequencies are counted up
and down. `commit()` then re-weights every document in a few vectorized passes (adding a target changes
every idf, so every document length) and swaps the query arrays in with one assignment: a query sees the
old or the new index, never a mix. The arithmetic is the same, term by term and in the same order, however
the index was built, so an index grown target by target scores exactly like one built at once.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Documents = Sequence[tuple[int, tuple[str, ...]]]  # (target number, terms)
Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True)
class QueryScores:
    """`values[target]`: the blended similarity of each target slot (0.0: shares no term with the query)."""

    values: Floats
    unknown_share: float  # part of the query's squared weight in terms the index does not know

    @property
    def scores(self) -> dict[int, float]:
        """Target number -> similarity, only the targets sharing a term with the query."""
        matched = np.flatnonzero(self.values)
        return dict(zip(matched.tolist(), self.values[matched].tolist(), strict=True))


@dataclass(frozen=True)
class _Block:
    """The documents of one target: term ids and (1 + ln tf) factors, document after document."""

    terms: Ints
    factors: Floats
    sizes: Ints  # terms per document
    term_set: frozenset[int]


def _block(documents: Iterable[Sequence[int]]) -> _Block:
    terms: list[int] = []
    factors: list[float] = []
    sizes: list[int] = []
    for document in documents:
        counts = Counter(document)  # first-occurrence order: the order the weights are summed in
        if not counts:
            continue
        terms.extend(counts)
        factors.extend(1.0 + math.log(count) for count in counts.values())
        sizes.append(len(counts))
    return _Block(
        np.array(terms, dtype=np.int64), np.array(factors, dtype=np.float64), np.array(sizes, dtype=np.int64),
        frozenset(terms),
    )


@dataclass(frozen=True)
class _Postings:
    """Length-normalized weighted documents as inverted lists (term-major, documents in order per term)."""

    starts: Ints  # term id -> first position in docs/weights; term id + 1 -> end
    docs: Ints
    weights: Floats
    target_ids: Ints  # the target slots that have documents, ascending
    target_starts: Ints  # the first document of each of them (a target's documents follow each other)
    document_count: int

    def best_per_target(self, weights: Sequence[tuple[int, float]], norm: float, slots: int) -> Floats:
        """Each target's best cosine similarity over its documents (0.0 when none shares a term)."""
        per_doc = np.zeros(self.document_count)
        starts, docs, doc_weights = self.starts, self.docs, self.weights
        for term, weight in weights:
            begin, end = starts[term], starts[term + 1]
            if begin != end:
                per_doc[docs[begin:end]] += weight * doc_weights[begin:end]
        best = np.zeros(slots)
        if self.document_count:
            # max(dot) / norm is max(dot / norm) exactly: dividing by a positive number keeps the order.
            best[self.target_ids] = np.maximum.reduceat(per_doc, self.target_starts) / norm
        return best


_NONE = np.zeros(0, dtype=np.int64)
_EMPTY = _Postings(np.zeros(1, dtype=np.int64), _NONE, np.zeros(0), _NONE, _NONE, 0)


def _postings(blocks: Mapping[int, _Block], idf: Floats, term_count: int) -> _Postings:
    slots = sorted(blocks)
    if not slots:
        return _EMPTY
    terms = np.concatenate([blocks[s].terms for s in slots])
    factors = np.concatenate([blocks[s].factors for s in slots])
    sizes = np.concatenate([blocks[s].sizes for s in slots])
    if not len(sizes):
        return _EMPTY
    counts = np.array([len(blocks[s].sizes) for s in slots], dtype=np.int64)
    target_ids = np.array(slots, dtype=np.int64)[counts > 0]
    target_starts = (np.cumsum(counts) - counts)[counts > 0]
    doc_of = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    weights = factors * idf[terms]
    norms = np.sqrt(np.bincount(doc_of, weights=weights * weights, minlength=len(sizes)))
    normalized = weights / norms[doc_of]
    order = np.argsort(terms, kind="stable")
    starts = np.zeros(term_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=term_count), out=starts[1:])
    return _Postings(starts, doc_of[order], normalized[order], target_ids, target_starts, len(sizes))


@dataclass(frozen=True)
class _Snapshot:
    term_ids: Mapping[str, int]  # every term the index has seen (also terms no document uses any more)
    idf: Floats  # by term id; 0.0 for terms no target uses
    known: frozenset[str]  # terms some target uses
    phrasings: _Postings
    profiles: _Postings
    slots: int


class VectorIndex:
    def __init__(
        self,
        phrasings: Documents = (),
        profiles: Documents = (),
        target_count: int = 0,
        *,
        profile_share: float,
        unknown_df: float,
        entity_factor: float = 1.0,
        entity_prefix: str = "!",
        fixed_idf: Mapping[str, float] | None = None,
    ) -> None:
        """`phrasings`: one document per phrasing; `profiles`: one document per target.

        `profile_share` is the profile's part of the blended score; `unknown_df` the document frequency
        assumed for a query term the index has never seen, and `entity_factor` multiplies that weight for
        unknown terms starting with `entity_prefix` (names); `fixed_idf` sets the weight of special terms
        (sentence mood, question words) that the documents use, instead of their idf.
        """
        self._unknown_df = unknown_df
        self._entity_factor = entity_factor
        self._entity_prefix = entity_prefix
        self._share = profile_share
        self._fixed = dict(fixed_idf or {})
        self._term_ids: dict[str, int] = {}
        self._terms: list[str] = []
        self._df: list[int] = []  # by term id: targets using the term
        self._phrasing_blocks: dict[int, _Block] = {}
        self._profile_blocks: dict[int, _Block] = {}
        self._target_count = target_count
        by_target: dict[int, list[tuple[str, ...]]] = {}
        for target, terms in phrasings:
            by_target.setdefault(target, []).append(terms)
        profile_of = dict(profiles)
        for target in sorted(by_target.keys() | profile_of.keys()):
            self.set_target(target, by_target.get(target, ()), profile_of.get(target, ()))
        self.commit(target_count)

    # -- changing ---------------------------------------------------------------------------------

    def _ids(self, terms: Iterable[str]) -> list[int]:
        ids = []
        for term in terms:
            number = self._term_ids.get(term)
            if number is None:
                number = self._term_ids[term] = len(self._terms)
                self._terms.append(term)
                self._df.append(0)
            ids.append(number)
        return ids

    def set_target(self, target: int, phrasings: Iterable[Sequence[str]], profile: Sequence[str]) -> None:
        """Give `target` these phrasing documents and this profile (replacing what it had); see `commit`."""
        self.remove_target(target)
        phrasing_block = _block(self._ids(doc) for doc in phrasings)
        profile_block = _block([self._ids(profile)])
        self._phrasing_blocks[target] = phrasing_block
        self._profile_blocks[target] = profile_block
        for term in phrasing_block.term_set | profile_block.term_set:
            self._df[term] += 1

    def remove_target(self, target: int) -> None:
        """Drop the documents of `target` (nothing when it has none); see `commit`."""
        phrasing_block = self._phrasing_blocks.pop(target, None)
        profile_block = self._profile_blocks.pop(target, None)
        if phrasing_block is None or profile_block is None:
            return
        for term in phrasing_block.term_set | profile_block.term_set:
            self._df[term] -= 1

    def commit(self, target_count: int) -> None:
        """Re-weight for `target_count` targets (the idf's n) and make the changes visible to queries."""
        self._target_count = target_count
        n = max(target_count, 1)
        fixed = self._fixed
        idf_values = [
            (fixed.get(term) or math.log(1.0 + n / df)) if df else 0.0
            for term, df in zip(self._terms, self._df, strict=True)
        ]
        idf = np.array(idf_values, dtype=np.float64)
        slots = max([target_count, *(t + 1 for t in self._phrasing_blocks), *(t + 1 for t in self._profile_blocks)])
        self._snapshot = _Snapshot(
            term_ids=dict(self._term_ids),
            idf=idf,
            known=frozenset(t for t, df in zip(self._terms, self._df, strict=True) if df),
            phrasings=_postings(self._phrasing_blocks, idf, len(self._terms)),
            profiles=_postings(self._profile_blocks, idf, len(self._terms)),
            slots=slots,
        )
        self.unknown_idf = math.log(1.0 + n / self._unknown_df)
        self._entity_idf = self.unknown_idf * self._entity_factor

    # -- querying ---------------------------------------------------------------------------------

    def view(self) -> IndexView:
        """The index as it is now, for queries: later changes do not reach it."""
        return IndexView(self._snapshot, self._share, self.unknown_idf, self._entity_idf, self._entity_prefix)

    @property
    def idf(self) -> dict[str, float]:
        """The weight of every term some target uses."""
        snapshot = self._snapshot
        return {term: float(snapshot.idf[snapshot.term_ids[term]]) for term in sorted(snapshot.known)}

    def scores(self, terms: Sequence[str]) -> QueryScores:
        return self.view().scores(terms)


@dataclass(frozen=True)
class IndexView:
    """One version of a `VectorIndex`, read-only: what a recognition queries."""

    snapshot: _Snapshot
    profile_share: float
    unknown_idf: float
    entity_idf: float
    entity_prefix: str

    def scores(self, terms: Sequence[str]) -> QueryScores:
        """Blended similarity of the query to each target slot (0.0 for targets sharing no term with it).

        In a question, a term counts once however often it occurs ("betekent de afkorting" is one
        question about meaning, not two).
        """
        snapshot = self.snapshot
        known = snapshot.known
        weights: list[tuple[str, float]] = []
        for term in dict.fromkeys(terms):
            if term in known:
                idf = float(snapshot.idf[snapshot.term_ids[term]])
            else:
                idf = self.entity_idf if term.startswith(self.entity_prefix) else self.unknown_idf
            weights.append((term, idf))  # each term once: (1 + ln 1) * idf
        squares = sum(w * w for _, w in weights)
        if not squares:
            return QueryScores(np.zeros(snapshot.slots), 0.0)
        norm = math.sqrt(squares)
        unknown = sum(w * w for term, w in weights if term not in known) / squares
        ids = [(snapshot.term_ids[term], w) for term, w in weights if term in known]
        best = snapshot.phrasings.best_per_target(ids, norm, snapshot.slots)
        profile = snapshot.profiles.best_per_target(ids, norm, snapshot.slots)
        share = self.profile_share
        return QueryScores((1.0 - share) * best + share * profile, unknown)
