"""check() and hint() where learners call them: a real Jupyter kernel, cell by cell, and a plain ``python -i``.

The kernel is ipykernel, driven by nbclient as Jupyter drives it: each cell
runs in the kernel's one namespace, imports and definitions of earlier cells
included (the test extra installs both).
"""

import importlib
import json
import os
import pty
import select
import subprocess
import sys
import time

import pytest
from conftest import CI, copy_tiny


def _needed(name: str):
    """The test extra's module; under CI its absence fails the suite instead of skipping these tests."""
    if CI:
        return importlib.import_module(name)
    return pytest.importorskip(name)


nbformat, nbclient, _ = (_needed(name) for name in ("nbformat", "nbclient", "ipykernel"))

CELLS = [
    "import os\nos.chdir({ws!r})\nfrom grader import check, hint",
    "import numpy as np\nfrom scipy.special import xlogy\nfrom scipy.stats import norm\nimport scipy.stats as st",
    # functions of the kata using what earlier cells imported: a ufunc, a frozen-distribution object, a module
    '''def binomial_log_likelihood(p, heads, n):
    if n < 1 or not 0 <= heads <= n or np.any((np.asarray(p) < 0) | (np.asarray(p) > 1)):
        raise ValueError("bad input")
    result = xlogy(heads, p) + xlogy(n - heads, 1 - np.asarray(p, dtype=float))
    return float(result) if np.ndim(result) == 0 else result


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    return float(np.sum(norm.logpdf(data, mu, sigma)))


def gaussian_mle(data):
    data = np.asarray(data, dtype=float)
    if data.size == 0:
        raise ValueError("empty")
    return st.tmean(data), float(np.sqrt(np.mean((data - data.mean()) ** 2)))''',
    "shown = check('10.2', seed=3)\n"
    "print(json.dumps({c.name: c.outcome for c in shown.result.checks}))",
    "one = check('10.2', 'gaussian_mle', seed=4)\nprint(json.dumps([c.target for c in one.result.checks]))",
    "print(repr(hint('10.2')))",
]


def test_check_and_hint_in_a_real_jupyter_kernel(ws):
    cells = [CELLS[0].format(ws=str(ws)), "import json\n" + CELLS[1], *CELLS[2:]]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3")
    outputs = []
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
            errors = [o for o in cell.outputs if o.output_type == "error"]
            assert not errors, errors
            outputs.append("".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream"))
    outcomes = json.loads(outputs[3])
    for name, outcome in outcomes.items():
        if name.startswith(("test_binomial_log_likelihood", "test_gaussian_log_likelihood", "test_gaussian_mle")):
            assert outcome == "passed", (name, outcome)
        else:
            assert outcome == "not_implemented", (name, outcome)  # not defined in the notebook yet: TODO
    assert set(json.loads(outputs[4])) == {"gaussian_mle"}
    assert outputs[5].startswith("binomial_mle, hint 1/3:"), outputs[5]  # the first function not started


class Console:
    """A plain ``python -i`` in a pseudo-terminal: type lines, read what it prints."""

    def __init__(self, cwd):
        self.fd, child = pty.openpty()
        self.proc = subprocess.Popen([sys.executable, "-i", "-q"], stdin=child, stdout=child, stderr=child,
                                     cwd=cwd, start_new_session=True, env={**os.environ, "TERM": "dumb"})
        os.close(child)
        self.text = ""

    def type(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode())

    def wait_for(self, needle: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            ready, _, _ = select.select([self.fd], [], [], max(deadline - time.monotonic(), 0))
            assert ready, f"{needle!r} did not appear:\n{self.text}"
            self.text += os.read(self.fd, 65536).decode(errors="replace")
        return self.text

    def close(self) -> None:
        self.type("exit()")
        try:
            self.proc.wait(timeout=30)
        finally:
            os.close(self.fd)


def test_check_in_a_plain_python_i_session(tmp_path):
    """No source is kept for what is typed at the prompt: the functions travel as code objects."""
    ws = copy_tiny(tmp_path / "ws")
    console = Console(ws)
    try:
        console.type("from grader import check")
        console.type("def add(a, b):")
        console.type("    return a + b")
        console.type("")
        console.type("check('0.1', seed=1)")
        shown = console.wait_for("score ")
        console.wait_for("\n>>> ")
    finally:
        console.close()
    assert "PASS  test_add_small" in shown and "TODO  mean (not started)" in shown, shown
    assert "score 2/4" in shown and "Traceback" not in shown


def test_names_that_cannot_travel_are_named_in_a_note(tmp_path):
    from grader import check

    ws = copy_tiny(tmp_path / "ws")
    namespace = {"__name__": "__main__", "WEIGHTS": object()}
    exec("def add(a, b):\n    return a + b + 0 * len(str(WEIGHTS))\n", namespace)
    shown = check("0.1", namespace=namespace, root=ws, seed=2)
    assert any(note.startswith("WEIGHTS (object) is not carried to the grader") for note in shown.result.notes)
    assert "note: WEIGHTS (object) is not carried" in repr(shown)
