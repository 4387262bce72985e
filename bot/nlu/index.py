"""A small TF-IDF cosine index over the phrasings of each target, queried through inverted lists.

A target is an FAQ entry or an intent. It is represented twice: by each of its phrasings (question and
examples) as separate documents, and by one profile document that joins all its phrasings and, for an
entry, its answer. A target's score blends its best phrasing's cosine similarity with its profile's:
the best phrasing rewards a close paraphrase, the profile breaks ties in favour of the target whose
vocabulary covers more of the question.

Term weights are (1 + ln tf) * idf, with document frequency counted per target, so words used by many
targets ("gemeente", "wat") weigh little. A query word the index has never seen still counts in the
query's length with a high weight, so a question that is mostly about something else scores low.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Documents = Sequence[tuple[int, tuple[str, ...]]]  # (target number, terms)


@dataclass(frozen=True)
class QueryScores:
    scores: dict[int, float]  # target number -> similarity
    unknown_share: float  # part of the query's squared weight in terms the index does not know


class _Postings:
    """Length-normalized weighted documents, as inverted lists."""

    def __init__(self, documents: Documents, weights_of: Callable[[Sequence[str]], dict[str, float]]) -> None:
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        targets: list[int] = []
        for target, terms in documents:
            weights = weights_of(terms)
            norm = math.sqrt(sum(w * w for w in weights.values()))
            if not norm:
                continue
            doc = len(targets)
            targets.append(target)
            for term, weight in weights.items():
                postings[term].append((doc, weight / norm))
        self.lists = {term: tuple(entries) for term, entries in postings.items()}
        self.targets = tuple(targets)

    def best_per_target(self, weights: Mapping[str, float], norm: float) -> dict[int, float]:
        """Each target's best cosine similarity over its documents."""
        per_doc: dict[int, float] = defaultdict(float)
        for term, weight in weights.items():
            for doc, doc_weight in self.lists.get(term, ()):
                per_doc[doc] += weight * doc_weight
        best: dict[int, float] = {}
        for doc, dot in per_doc.items():
            target = self.targets[doc]
            score = dot / norm
            if score > best.get(target, 0.0):
                best[target] = score
        return best


class VectorIndex:
    def __init__(
        self,
        phrasings: Documents,
        profiles: Documents,
        target_count: int,
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
        targets_per_term: dict[str, set[int]] = defaultdict(set)
        for target, terms in (*phrasings, *profiles):
            for term in terms:
                targets_per_term[term].add(target)
        n = max(target_count, 1)
        self.idf = {term: math.log(1.0 + n / len(ts)) for term, ts in sorted(targets_per_term.items())}
        self.idf.update({term: w for term, w in (fixed_idf or {}).items() if term in self.idf})
        self.unknown_idf = math.log(1.0 + n / unknown_df)
        self._entity_idf = self.unknown_idf * entity_factor
        self._entity_prefix = entity_prefix
        self._share = profile_share
        self._phrasings = _Postings(phrasings, self._weights)
        self._profiles = _Postings(profiles, self._weights)

    def _idf(self, term: str) -> float:
        idf = self.idf.get(term)
        if idf is not None:
            return idf
        return self._entity_idf if term.startswith(self._entity_prefix) else self.unknown_idf

    def _weights(self, terms: Sequence[str]) -> dict[str, float]:
        return {term: (1.0 + math.log(count)) * self._idf(term) for term, count in Counter(terms).items()}

    def scores(self, terms: Sequence[str]) -> QueryScores:
        """Blended similarity of the query to each target (only targets sharing a term with it).

        In a question, a term counts once however often it occurs ("betekent de afkorting" is one
        question about meaning, not two).
        """
        weights = self._weights(tuple(dict.fromkeys(terms)))
        squares = sum(w * w for w in weights.values())
        if not squares:
            return QueryScores({}, 0.0)
        norm = math.sqrt(squares)
        unknown = sum(w * w for term, w in weights.items() if term not in self.idf) / squares
        best = self._phrasings.best_per_target(weights, norm)
        profile = self._profiles.best_per_target(weights, norm)
        share = self._share
        scores = {
            target: (1.0 - share) * best.get(target, 0.0) + share * profile.get(target, 0.0)
            for target in sorted(best.keys() | profile.keys())
        }
        return QueryScores(scores, unknown)
