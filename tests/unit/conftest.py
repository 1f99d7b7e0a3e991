"""The unit tier: fast tests that load no model. Fixtures and the hypothesis profile only; the shared
paths stay in ``tests/conftest.py`` (``from conftest import SEEDS`` still finds them, since this file
is ``unit.conftest``, inside the ``unit`` package)."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "unit", max_examples=150, deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("unit")

# What loads a model, by module and name: calling any of these in the unit tier is a failure.
MODEL_LOADERS = (
    ("mtqa.backends.encoder", "sentence_encoder"),
    ("mtqa.backends.language_models", "language_model"),
    ("mtqa.backends.linguistic", "spacy_pipeline"),
    ("mtqa.backends.linguistic", "analyser"),
    ("mtqa.stages.score.fluency", "fluency_scorer"),
    ("mtqa.backends.estimator", "learned_estimator"),
)
# ... and the classes that hold a model, whatever function builds them.
MODEL_CLASSES = (
    ("mtqa.backends.encoder", "SentenceEncoder"),
    ("mtqa.backends.language_models", "CausalLM"),
    ("mtqa.backends.language_models", "TrigramLM"),
    ("mtqa.backends.linguistic", "Analyser"),
    ("mtqa.backends.estimator", "LearnedEstimator"),
)


class ModelLoaded(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_model_is_loaded(monkeypatch):
    """Every model loader and model class refuses to run during a unit test, wherever it was
    imported; an attempt fails the test even if the code under test swallowed the exception."""
    import importlib

    importlib.import_module("mtqa")  # the package imports every layer: every binding exists now
    attempts: list[str] = []

    def refusing(label: str):
        def refuse(*args, **kwargs):
            attempts.append(label)
            raise ModelLoaded(f"the unit tier must load no model, but {label} was called")

        return refuse

    originals = {}
    for module_name, name in MODEL_LOADERS:
        original = getattr(importlib.import_module(module_name), name)
        originals[id(original)] = f"{module_name}.{name}"
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name == "mtqa" or module_name.startswith("mtqa.")):
            continue
        for attribute, value in list(vars(module).items()):
            if id(value) in originals:
                monkeypatch.setattr(module, attribute, refusing(originals[id(value)]))
    for module_name, name in MODEL_CLASSES:
        cls = getattr(importlib.import_module(module_name), name)
        monkeypatch.setattr(cls, "__init__", refusing(f"{module_name}.{name}()"))
    spacy = sys.modules.get("spacy")
    if spacy is not None:
        monkeypatch.setattr(spacy, "load", refusing("spacy.load"))
    yield attempts
    if attempts:
        pytest.fail(f"the unit tier must load no model, but the test called {', '.join(attempts)}")
