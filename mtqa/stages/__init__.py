"""The pipeline's stages, one module or package each, in the order they run:

load -> segment -> noncontent (mark non-content) -> align -> score -> find_errors -> aggregate

A stage imports only the stages before it (CI checks this with import-linter) and takes its own small
options dataclass; :mod:`mtqa.pipeline.options` composes them.
"""
