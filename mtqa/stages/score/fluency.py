"""Stage 5b, fluency: reference-free, from a language model's surprisal, per sentence and per word.

Each sentence is scored by a language model (:mod:`mtqa.backends.language_models`), after the content sentence before it
in its document (``AssessOptions.fluency_context``, the default for documents) or on its own, and token
surprisal is summed into words (character offsets into the sentence). A word's *excess* is its
surprisal minus what is expected of it: for an ordinary word, a linear function of its unigram
surprisal (wordfreq), its position and its capitalisation, fitted on intact translations; for a
punctuation mark, its usual cost; for a name or a number (spaCy's entity recogniser, written with a
capital or a digit), exactly what it cost — "Soleimani" is unpredictable, not wrong. A quotation
mark is pardoned too: the model reads one sentence, and whether a quotation opens or closes in it
depends on its neighbours (a quote of two sentences leaves the second with a closing mark and no
opening one); the placement checks judge quotation marks. What remains is the surprise that bad
English causes: "has refused to how one this information".

The sentence's fluency (0-100, higher is better) is a logistic function of the mean positive excess
per word (a word cheaper than expected counts as zero: fluency is the absence of bad surprise, and the
predictability of plain machine translation is no virtue), of the mean of its two largest excesses
(both capped, both free of sentence length) and of the number
of reference-free fluency checks (:mod:`mtqa.checks`: doubled punctuation, a repeated verb, a
lower-case demonym, ...) that fire on the sentence: the language model averages one ".." away over a
long sentence, a check does not. The weights are fitted per language model on development data by
``benchmarks/calibrate_fluency.py`` and stored in ``mtqa/data/fluency_calibration.json``. The score
estimates, in percent, the probability that the sentence is an intact translation rather than a
damaged copy of one.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from mtqa.backends.language_models import (
    DEFAULT_LANGUAGE_MODEL,
    CausalLM,
    LanguageModel,
    TokenSurprisal,
    language_model,
    readable,
    straight_quotes,
    word_bits,
)
from mtqa.backends.linguistic import analyser, word_frequencies
from mtqa.checks import Check, enabled_checks, run_checks
from mtqa.checks.evidence import DocumentContext, Segment
from mtqa.core.records import MarkedDocument

_NUMBER = re.compile(r"\d")
_QUOTES = frozenset("\"'“”„«»‘’")


@dataclass(frozen=True)
class WordSurprisal:
    start: int  # character offsets into the sentence text, end exclusive
    end: int
    text: str
    surprisal: float  # bits, summed over the word's tokens
    expected: float  # bits explained by the word's rarity, or by its being a name or a number
    excess: float  # surprisal - expected: the surprise bad English causes (negative: better than expected)
    entity: str  # spaCy entity label, "NUMBER" for a numeral, "" for an ordinary word or punctuation


@dataclass(frozen=True)
class SentenceFluency:
    fluency: float  # 0-100, higher is better; NaN for a sentence with no word
    words: tuple[WordSurprisal, ...]
    findings: tuple[str, ...] = ()  # the reference-free fluency checks that fired, one entry per finding


@functools.cache
def unigram_bits(word: str) -> float | None:
    """-log2 of the word's frequency in English; None for a word wordfreq has never seen."""
    frequency = word_frequencies()(word, "en")
    return -math.log2(frequency) if frequency > 0 else None


@dataclass(frozen=True)
class WordFacts:
    """A word and what its expected cost depends on."""

    start: int
    end: int
    text: str
    surprisal: float  # bits, summed over the word's tokens
    position: int  # index of the word in the sentence (punctuation runs count)
    unigram: float | None  # -log2 of its English frequency; None if wordfreq does not know it
    punctuation: bool
    capitalised: bool
    entity: str  # spaCy label, "NUMBER", or ""

    @property
    def named(self) -> bool:
        """A name or a number: a recognised entity written with a capital or a digit. A lowercase
        word inside an entity ("the general iranian") gets no pardon: its casing may be the error."""
        return bool(self.entity) and any(c.isupper() or c.isdigit() for c in self.text)

    @property
    def quotation(self) -> bool:
        """A punctuation run holding a quotation mark (",”", "“")."""
        return self.punctuation and not _QUOTES.isdisjoint(self.text)


@dataclass(frozen=True)
class Calibration:
    """How a language model's word surprisal becomes excess, and excess a 0-100 sentence score.

    Fitted by ``benchmarks/calibrate_fluency.py`` on development data; see the module docs.
    """

    model: str
    # Expected surprisal of an ordinary word: a linear function of these (fitted on intact text).
    expected: dict[str, float]  # intercept, unigram, log_position, first, capitalised
    unknown_unigram_bits: float  # unigram surprisal assumed for a word wordfreq does not know
    punctuation_bits: dict[str, float]  # expected surprisal of each common punctuation run
    punctuation_default_bits: float  # ... and of any other
    cap_bits: float  # one word's excess counts at most this much
    logistic: dict[str, float]  # intercept, surprise, peak, findings: logit of fluency/100
    source: str  # the data and command that produced the numbers

    def expected_bits(self, word: WordFacts) -> float:
        if word.named or word.quotation:
            return word.surprisal  # names, numbers and quotation marks are as unpredictable as they are
        if word.punctuation:
            return self.punctuation_bits.get(straight_quotes(word.text), self.punctuation_default_bits)
        e = self.expected
        unigram = word.unigram if word.unigram is not None else self.unknown_unigram_bits
        return (
            e["intercept"]
            + e["unigram"] * unigram
            + e["log_position"] * math.log1p(word.position)
            + e["first"] * (word.position == 0)
            + e["capitalised"] * (word.capitalised and word.position > 0)
        )

    def features(self, excess: Sequence[float]) -> tuple[float, float]:
        """Mean positive excess per word, and the mean of the two largest excesses: both capped, both
        length-free. Only surprise counts against a sentence: with the plain mean, words cheaper than
        expected offset a garbled one, and translationese outscored edited journalism."""
        values = np.minimum(np.asarray(excess, dtype=float), self.cap_bits)
        return float(np.maximum(values, 0.0).mean()), float(np.sort(values)[-2:].mean())

    def fluency(self, excess: Sequence[float], findings: int = 0) -> float:
        if not len(excess):
            return float("nan")
        surprise, peak = self.features(excess)
        c = self.logistic
        logit = c["intercept"] + c["surprise"] * surprise + c["peak"] * peak + c["findings"] * findings
        return 100.0 / (1.0 + math.exp(-logit))


@functools.cache
def calibrations() -> dict[str, Calibration]:
    text = resources.files("mtqa").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8")
    return {name: Calibration(model=name, **values) for name, values in json.loads(text).items()}


CALIBRATION_FILE = "data/fluency_calibration.json"


def calibration_for(lm: LanguageModel) -> Calibration:
    """The model's own calibration; any other causal LM borrows SmolLM2's (recalibrate it with
    ``benchmarks/calibrate_fluency.py --model PATH`` for numbers on the same scale)."""
    table = calibrations()
    if lm.name in table:
        return table[lm.name]
    return table["smollm2"] if isinstance(lm, CausalLM) else table["ngram"]


class FluencyScorer:
    """Sentence fluency and word surprisal from one language model.

    Every distinct text is scored once per scorer (and so once per process through
    :func:`fluency_scorer`); results do not depend on how texts are grouped or ordered.
    """

    def __init__(self, model: str | LanguageModel = DEFAULT_LANGUAGE_MODEL, calibration: Calibration | None = None):
        self.lm = language_model(model) if isinstance(model, str) else model
        self._calibration = calibration
        self._facts: dict[tuple[str, str], list[WordFacts]] = {}

    @property
    def calibration(self) -> Calibration:
        return self._calibration or calibration_for(self.lm)

    def signature(self) -> str:
        return f"{self.lm.signature()}|calibration:{self.calibration.model}"

    def facts(
        self, texts: Sequence[str], *, contexts: Sequence[str] | None = None, progress: bool = False
    ) -> list[list[WordFacts]]:
        """The words of each text with their surprisal and what explains it (before calibration);
        with ``contexts``, each text is read after its context ("" for none)."""
        keys = list(zip(contexts if contexts is not None else [""] * len(texts), texts, strict=True))
        missing = sorted(set(keys) - self._facts.keys())
        if missing:
            shown = [readable(text) for _, text in missing]
            before = [readable(context) for context, _ in missing]
            tokens = self.lm.surprisals(shown, contexts=before, progress=progress)  # "": read alone
            entities = analyser().entities(shown)
            for key, text_read, token_list, entity_list in zip(missing, shown, tokens, entities):
                self._facts[key] = _word_facts(key[1], text_read, token_list, entity_list)
        return [self._facts[key] for key in keys]

    def words(
        self, texts: Sequence[str], *, contexts: Sequence[str] | None = None, progress: bool = False
    ) -> list[tuple[WordSurprisal, ...]]:
        """Word surprisal, expected cost and excess, for each text (``contexts`` as for :meth:`facts`)."""
        calibration = self.calibration
        result = []
        for facts in self.facts(texts, contexts=contexts, progress=progress):
            words = []
            for f in facts:
                expected = calibration.expected_bits(f)
                words.append(WordSurprisal(f.start, f.end, f.text, f.surprisal, expected, f.surprisal - expected, f.entity))
            result.append(tuple(words))
        return result

    def score(
        self,
        texts: Sequence[str],
        *,
        documents: Sequence[str] | None = None,
        contexts: Sequence[str] | None = None,
        checks: Sequence[Check] | None = None,
        progress: bool = False,
    ) -> list[SentenceFluency]:
        """Fluency of each text. ``documents`` holds the text of each one's document, the context the
        checks read casing habits from (by default the sentence itself); ``contexts``, what the
        language model reads before each text (by default nothing); ``checks`` are the fluency
        checks to count (by default every reference-free fluency check enabled by default)."""
        calibration = self.calibration
        findings = check_findings(texts, documents or texts, fluency_checks() if checks is None else checks)
        return [
            SentenceFluency(calibration.fluency([w.excess for w in words], len(found)), words, found)
            for words, found in zip(self.words(texts, contexts=contexts, progress=progress), findings)
        ]


def fluency_checks(selection: Iterable[str] | Mapping[str, bool] | None = None) -> list[Check]:
    """The enabled checks (:func:`mtqa.checks.enabled_checks` selection) that judge fluency without a
    reference: these count in the sentence's fluency."""
    return [c for c in enabled_checks(selection) if c.category.startswith("fluency/") and not c.needs_reference]


def check_findings(texts: Sequence[str], documents: Sequence[str], checks: Sequence[Check]) -> list[tuple[str, ...]]:
    """The names of the checks that fire on each sentence, one per finding, read with no reference."""
    if not checks:
        return [() for _ in texts]
    contexts = {document: DocumentContext(document) for document in dict.fromkeys(documents)}
    found = []
    for text, document, analysis in zip(texts, documents, analyser().analyse(list(texts))):
        segment = Segment.of_sentence(text, analysis, contexts[document])
        found.append(tuple(e.detector.removeprefix("check:") for e in run_checks(segment, checks)))
    return found


def _word_facts(
    text: str, shown: str, tokens: Sequence[TokenSurprisal], entities: list[tuple[int, int, str]]
) -> list[WordFacts]:
    facts = []
    for position, (start, end, bits) in enumerate(word_bits(shown, tokens)):
        word = shown[start:end]
        punctuation = not any(c.isalnum() for c in word)
        entity = "" if punctuation else next((label for s, e, label in entities if s <= start and end <= e), "")
        if not entity and _NUMBER.search(word):
            entity = "NUMBER"
        facts.append(
            WordFacts(
                start, end, text[start:end], bits, position,
                None if punctuation else unigram_bits(word),
                punctuation, word[:1].isupper(), entity,
            )
        )
    return facts


@functools.cache
def fluency_scorer(model: str = DEFAULT_LANGUAGE_MODEL) -> FluencyScorer:
    return FluencyScorer(model)


WORD_COLUMNS = ["doc_id", "sent_id", "start", "end", "text", "surprisal", "expected", "excess", "entity"]


def empty_words() -> pd.DataFrame:
    return pd.DataFrame(columns=WORD_COLUMNS)


@dataclass(frozen=True)
class DocumentFluency:
    scores: dict[tuple[str, int], float]  # (doc_id, sent_id) -> fluency 0-100, content sentences only
    words: pd.DataFrame  # WORD_COLUMNS, offsets into each sentence's text
    signature: str  # empty when fluency was not scored

    def by_sentence(self) -> dict[tuple[str, int], list[WordSurprisal]]:
        """The word table as (doc_id, sent_id) -> the sentence's words, in order."""
        sentences: dict[tuple[str, int], list[WordSurprisal]] = {}
        for row in self.words.itertuples(index=False):
            sentences.setdefault((row.doc_id, int(row.sent_id)), []).append(WordSurprisal(
                int(row.start), int(row.end), row.text, float(row.surprisal), float(row.expected),
                float(row.excess), row.entity,
            ))
        return sentences


def previous_sentences(document: MarkedDocument) -> list[str]:
    """For each content sentence, the content sentence before it ("" for the first): what a reader of
    the document has just read. Topic words that surprise in a sentence read alone ("the resumption",
    "the suspension") are expected after it, and a garbled clause is not."""
    texts = [s.text for s in document.content]
    return ["", *texts[:-1]]


def score_documents(
    documents: Sequence[MarkedDocument], model: str | None, checks: Sequence[Check] | None = None, *,
    in_context: bool = False, progress: bool = False,
) -> DocumentFluency:
    """Fluency of every content sentence of the documents (model None: nothing is scored);
    ``checks`` as for :meth:`FluencyScorer.score`; ``in_context``: each sentence is read after the
    previous content sentence of its document (:func:`previous_sentences`)."""
    if model is None:
        return DocumentFluency({}, empty_words(), "")
    scorer = fluency_scorer(model)
    keys = [(m.document.doc_id, s.sent_id) for m in documents for s in m.content]
    texts = [s.text for m in documents for s in m.content]
    document_texts = [m.document.text for m in documents for _ in m.content]
    before = [text for m in documents for text in previous_sentences(m)] if in_context else None
    results = scorer.score(texts, documents=document_texts, contexts=before, checks=checks, progress=progress)
    rows = [
        (doc_id, sent_id, w.start, w.end, w.text, w.surprisal, w.expected, w.excess, w.entity)
        for (doc_id, sent_id), result in zip(keys, results)
        for w in result.words
    ]
    words = pd.DataFrame(rows, columns=WORD_COLUMNS) if rows else empty_words()
    signature = scorer.signature() + ("|context:previous-sentence" if in_context else "")
    return DocumentFluency(dict(zip(keys, (r.fluency for r in results))), words, signature)
