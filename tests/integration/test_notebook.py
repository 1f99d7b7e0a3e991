"""notebooks/explore_seeds.ipynb is a real walk through the seeds: it runs top to bottom in a fresh
kernel of this environment, and is stored without outputs."""

import html as html_lib
import os

import nbformat
import pytest
from conftest import FRENCH, ROOT, RUSSIAN

NOTEBOOK = ROOT / "notebooks" / "explore_seeds.ipynb"


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


def test_the_notebook_is_stored_without_outputs(notebook):
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)


def cell_html(notebook, source: str) -> str:
    cell = next(c for c in notebook.cells if c.cell_type == "code" and c.source.strip() == source)
    return "".join(o.data["text/html"] for o in cell.outputs if "text/html" in o.get("data", {}))


def test_the_notebook_runs_top_to_bottom(notebook, seeds_result):
    from nbclient import NotebookClient

    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    # The kernel is this interpreter (jupyter_client maps the kernel spec's "python" to sys.executable),
    # importing mtqa from this checkout.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    client.execute(env=env)
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"], "warnings or log noise"
    html = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("mtqa assessment" in h for h in html)  # the result's summary
    assert any('<table class="sentences">' in h and "000_cc02e8cbdcfd7727" in h for h in html)  # show(FRENCH)
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 3  # the three plots
    # The worst-sentence tables start with each version's lowest-scoring sentence, by quality where
    # the run computed it (as the notebook says), else by semantic similarity.
    sentences = seeds_result.sentences
    score = "quality" if sentences.quality.notna().any() else "semantic"
    for doc_id in (FRENCH.stem, RUSSIAN.stem):
        lowest = sentences[sentences.doc_id == doc_id].nsmallest(1, score).text.iloc[0]
        table = cell_html(notebook, f"worst({'FRENCH' if doc_id == FRENCH.stem else 'RUSSIAN'})")
        assert html_lib.escape(lowest[:40], quote=False) in table
