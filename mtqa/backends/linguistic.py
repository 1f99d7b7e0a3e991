"""Words with character offsets, their contextual vectors, and a BERTScore-style word alignment.

Words come from spaCy (tokens, lemmas, tags, parse, entities), vectors from the sentence encoder's
token embeddings (word pieces pooled per word). ``align_words`` links each candidate word to its best
reference word by cosine, raised to a fixed level for exact, lemma and fuzzy matches (contextual
vectors alone miss a name spelt two ways, and a word repeated verbatim is certain evidence).
Precision, recall and F1 are weighted by each word's information content, so that function words
count for little: this is the token-level fidelity that the quality score also uses.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np

from mtqa.backends.encoder import SentenceEncoder, TokenVectors
from mtqa.backends.packaged import PACKAGED, quiet_libraries
from mtqa.backends.result_cache import cached, fingerprint, text_key

if TYPE_CHECKING:
    from spacy.tokens import Doc

EXACT, LEMMA, FUZZY = 1.0, 0.95, 0.9  # similarity given to each kind of surface match
FUZZY_RATIO = 0.85  # difflib ratio from which two long words count as one spelt two ways
FUZZY_MIN_LENGTH = 5
_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")


_FUNCTION_POS = {"DET", "ADP", "CCONJ", "SCONJ", "PART", "PRON", "AUX"}
_NEGATIONS = {"not", "n't", "n’t", "never", "no", "nothing", "none", "nobody", "neither", "nor", "nowhere", "cannot"}
_MEANINGFUL_ADVERBS = {
    "again", "almost", "alone", "already", "also", "always", "even", "ever", "formerly", "least", "less",
    "more", "most", "mostly", "often", "once", "only", "sometimes", "still", "together", "yet",
}


@dataclass(frozen=True)
class Word:
    """One spaCy token that is a word (not punctuation, not space), with offsets into the text."""

    index: int  # position among the analysis' words
    token: int  # index of the spaCy token in the Doc
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    is_stop: bool
    weight: float  # information content in bits-like units: rare words weigh more

    @property
    def key(self) -> str:
        """Case- and dot-insensitive form: "U.S." and "US" are the same word."""
        return self.text.lower().replace(".", "") or self.text.lower()

    @property
    def content(self) -> bool:
        """A word that carries meaning of its own, whose loss or addition changes what a sentence says.

        Closed-class words and spaCy's stop words carry grammar, with exceptions that change what a
        sentence says when a translation drops them: negation ("not", "never", "no"), numerals
        ("two") and adverbs of frequency, time and scope ("often", "also", "only", "already")."""
        key = self.text.lower()
        if key in _NEGATIONS:
            return True
        if self.pos in _FUNCTION_POS:
            return False
        return not self.is_stop or self.pos == "NUM" or key in _MEANINGFUL_ADVERBS


@dataclass(frozen=True)
class Analysis:
    text: str
    doc: "Doc"
    words: tuple[Word, ...]


@functools.lru_cache(maxsize=200_000)
def information(word: str) -> float:
    """Self-information of a word in English, from wordfreq's Zipf scale (9 - Zipf = -log10 p),
    clipped to [1, 8] so unknown names do not dominate and the commonest words still count a little."""
    from wordfreq import zipf_frequency

    return float(np.clip(9.0 - zipf_frequency(word, "en"), 1.0, 8.0))


def number_value(text: str) -> float | None:
    """The value of a numeral written in digits ("5,000", "5000", "2.5"), else None."""
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", ""))


def _words(doc: "Doc") -> tuple[Word, ...]:
    words = []
    for token in doc:
        if token.is_space or token.is_punct or not any(c.isalnum() for c in token.text):
            continue
        words.append(
            Word(
                index=len(words),
                token=token.i,
                start=token.idx,
                end=token.idx + len(token.text),
                text=token.text,
                lemma=token.lemma_.lower(),
                pos=token.pos_,
                is_stop=token.is_stop,
                weight=information(token.text.lower()),
            )
        )
    return tuple(words)


class Analyser:
    """spaCy analyses of texts, each distinct text parsed once per process (and kept in the on-disk
    result cache, without the tok2vec tensor, which mtqa does not read)."""

    def __init__(self, model: str = "spacy-en", batch_size: int = 64):
        self.nlp = spacy_pipeline(model)
        self.batch_size = batch_size
        self._cache: dict[str, Analysis] = {}
        packaged = PACKAGED.get(model)
        location = packaged.locate() if packaged else model
        self._namespace = f"spacy:{model}|{self.nlp.meta.get('version')}|{fingerprint(location)}"

    def analyse(self, texts: list[str]) -> list[Analysis]:
        from spacy.tokens import Doc

        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            def parse(positions: list[int]):
                todo = [missing[p] for p in positions]
                return zip(positions, self.nlp.pipe(todo, batch_size=self.batch_size))

            docs = cached(self._namespace, [text_key(t) for t in missing], parse,
                          lambda doc: doc.to_bytes(exclude=["tensor", "user_data"]),
                          lambda value: Doc(self.nlp.vocab).from_bytes(value))
            for text, doc in zip(missing, docs):
                self._cache[text] = Analysis(text, doc, _words(doc))
        return [self._cache[t] for t in texts]

    def entities(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """(start, end, label) of each text's named entities, found by the entity recogniser alone
        (the parser and tagger are skipped: faster than a full analysis)."""

        def recognise(positions: list[int]):
            docs = self.nlp.pipe(
                [texts[p] for p in positions], batch_size=self.batch_size,
                disable=["parser", "tagger", "attribute_ruler", "lemmatizer"],
            )
            return ((p, [(e.start_char, e.end_char, e.label_) for e in doc.ents]) for p, doc in zip(positions, docs))

        return cached(f"{self._namespace}|entities", [text_key(t) for t in texts], recognise,
                      lambda spans: json.dumps(spans).encode(), lambda value: [tuple(e) for e in json.loads(value)])


def analyser(model: str = "spacy-en") -> Analyser:
    """The process's analyser for a spaCy model (one, however it is asked for: ``analyser()`` and
    ``analyser("spacy-en")`` share their parses)."""
    return _analyser(model)


@functools.cache
def _analyser(model: str) -> Analyser:
    return Analyser(model)


def word_vectors(words: tuple[Word, ...], pieces: TokenVectors) -> np.ndarray:
    """Mean of the word pieces inside each word, re-normalised; a row of NaN where a word has none
    (a text longer than the model's window)."""
    dimension = pieces.vectors.shape[1] if pieces.vectors.size else 1
    vectors = np.full((len(words), dimension), np.nan, dtype=np.float32)
    starts, ends = pieces.offsets[:, 0], pieces.offsets[:, 1]
    for row, word in enumerate(words):
        inside = (starts < word.end) & (ends > word.start)
        if inside.any():
            mean = pieces.vectors[inside].mean(axis=0)
            vectors[row] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return vectors


def _surface_similarity(a: Word, b: Word) -> float:
    if a.key == b.key:
        return EXACT
    va, vb = number_value(a.text), number_value(b.text)
    if va is not None or vb is not None:
        return EXACT if va is not None and va == vb else 0.0
    if a.lemma == b.lemma and a.lemma.isalpha():
        return LEMMA
    if (
        min(len(a.key), len(b.key)) >= FUZZY_MIN_LENGTH
        and a.key.isalpha()
        and b.key.isalpha()
        and difflib.SequenceMatcher(None, a.key, b.key).ratio() >= FUZZY_RATIO
    ):
        return FUZZY
    return 0.0


@dataclass(frozen=True)
class WordAlignment:
    """Candidate words against reference words. ``similarity[i, j]`` is the cosine of their contextual
    vectors, raised to EXACT / LEMMA / FUZZY for surface matches; ``*_best`` is the index of the best
    counterpart (-1 when the other side has no words) and ``*_score`` its similarity."""

    candidate: Analysis
    reference: Analysis
    similarity: np.ndarray
    surface: np.ndarray  # the surface-match part alone (0 where none)
    candidate_best: np.ndarray
    candidate_score: np.ndarray
    reference_best: np.ndarray
    reference_score: np.ndarray

    def _weighted(self, words: tuple[Word, ...], scores: np.ndarray) -> float:
        if not words:
            return float("nan")
        weights = np.array([w.weight for w in words])
        return float((weights * scores).sum() / weights.sum())

    @property
    def precision(self) -> float:
        return self._weighted(self.candidate.words, self.candidate_score)

    @property
    def recall(self) -> float:
        return self._weighted(self.reference.words, self.reference_score)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if np.isnan(p) or np.isnan(r):
            return float("nan")
        return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _best(similarity: np.ndarray, n_other: int) -> tuple[np.ndarray, np.ndarray]:
    """Best counterpart per row; ties go to the counterpart at the nearest relative position."""
    n_rows = similarity.shape[0]
    if n_other == 0:
        return np.full(n_rows, -1), np.zeros(n_rows)
    rows = (np.arange(n_rows) + 0.5) / n_rows
    columns = (np.arange(n_other) + 0.5) / n_other
    tie_break = 1e-3 * np.abs(rows[:, None] - columns[None, :])
    best = np.argmax(similarity - tie_break, axis=1)
    return best, similarity[np.arange(n_rows), best]


def align_analyses(
    candidate: Analysis, reference: Analysis, candidate_pieces: TokenVectors, reference_pieces: TokenVectors
) -> WordAlignment:
    cand_vectors = word_vectors(candidate.words, candidate_pieces)
    ref_vectors = word_vectors(reference.words, reference_pieces)
    cosine = np.nan_to_num(cand_vectors @ ref_vectors.T, nan=0.0) if len(cand_vectors) and len(ref_vectors) \
        else np.zeros((len(candidate.words), len(reference.words)))
    surface = np.array(
        [[_surface_similarity(a, b) for b in reference.words] for a in candidate.words], dtype=float
    ).reshape(len(candidate.words), len(reference.words))
    similarity = np.clip(np.maximum(cosine, surface), 0.0, 1.0)
    cand_best, cand_score = _best(similarity, len(reference.words))
    ref_best, ref_score = _best(similarity.T, len(candidate.words))
    return WordAlignment(candidate, reference, similarity, surface, cand_best, cand_score, ref_best, ref_score)


def align_words(
    pairs: list[tuple[str, str]], encoder: SentenceEncoder, spacy_model: str = "spacy-en"
) -> list[WordAlignment]:
    """Word alignments of (candidate, reference) text pairs, with models batched over all pairs."""
    texts = list(dict.fromkeys(t for pair in pairs for t in pair))
    analyses = dict(zip(texts, analyser(spacy_model).analyse(texts)))
    pieces = dict(zip(texts, encoder.token_embeddings(texts)))
    return [align_analyses(analyses[c], analyses[r], pieces[c], pieces[r]) for c, r in pairs]


@functools.cache
def spacy_pipeline(name: str = "spacy-en"):
    """A spaCy pipeline: the packaged English model by short name, or any installed package or path."""
    packaged = PACKAGED.get(name)
    location = str(packaged.locate()) if packaged else name
    quiet_libraries()
    import spacy

    return spacy.load(location)


@functools.cache
def word_frequencies():
    """wordfreq's English frequency lookup (its data ships inside the wheel)."""
    from wordfreq import word_frequency

    word_frequency("the", "en")  # loads the frequency table now rather than at the first word
    return word_frequency
