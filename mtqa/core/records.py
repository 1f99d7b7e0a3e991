"""The records that pass between the pipeline's stages: documents, sentences, marked documents and
alignments. Plain data: no stage logic and no model."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np

Role = Literal["reference", "candidate"]


@dataclass(frozen=True)
class Document:
    doc_id: str
    role: Role
    text: str
    path: str | None = None
    origin: str = ""
    system: str = ""
    description: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Manifest:
    references: list[Document]
    candidates: list[Document]
    path: str = ""
    extra: dict = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)  # the [checks] table: name = true/false


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    sent_id: int
    start: int  # offsets into the document text, end exclusive
    end: int
    text: str
    paragraph: int  # index of the line block the sentence belongs to
    line_start: bool  # the sentence opens its line (after any bullet)
    line_end: bool  # the sentence closes its line
    bullet: str = ""  # list marker stripped from the front of the line, if any


Encoder = Callable[[list[str]], np.ndarray]  # texts -> L2-normalised vectors
# (candidate texts, reference texts) -> the probability that each candidate renders its reference,
# wholly or in part
PairVerifier = Callable[[list[str], list[str]], np.ndarray]


@dataclass(frozen=True)
class MarkedDocument:
    """A segmented document with its non-content sentences marked: the input of alignment."""

    document: Document
    sentences: list[Sentence]
    non_content: dict[int, str]  # sent_id -> reason

    @property
    def content(self) -> list[Sentence]:
        return [s for s in self.sentences if s.sent_id not in self.non_content]

    @property
    def by_id(self) -> dict[int, Sentence]:
        return {s.sent_id: s for s in self.sentences}


@dataclass(frozen=True)
class Link:
    candidate_ids: tuple[int, ...]
    reference_ids: tuple[int, ...]
    reference_doc: str
    confidence: float  # 0-1: how sure the aligner is that these sentences say the same thing
    similarity: float = math.nan  # cosine of the joined candidate and joined reference texts
    # A partial link joins one candidate sentence and one reference sentence that share a clause:
    # the (start, end) characters of each sentence that the link covers; None: the whole sentence(s).
    candidate_part: tuple[int, int] | None = None
    reference_part: tuple[int, int] | None = None

    @property
    def partial(self) -> bool:
        return self.candidate_part is not None or self.reference_part is not None


@dataclass(frozen=True)
class Alignment:
    doc_id: str
    links: tuple[Link, ...]

    def link_of(self) -> dict[int, Link]:
        return {sent_id: link for link in self.links for sent_id in link.candidate_ids}
