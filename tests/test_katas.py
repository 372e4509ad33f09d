"""Phase 10 as a whole: katas 10.1 and 10.3 beside 10.2, graded right, added without touching grader/; kata new."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, SUBMISSIONS

from grader.cli import main
from grader.learner import workspace

STYLES = {"10.1": ["bayes_loops", "bayes_vectorised", "bayes_scipy_frozen"],
          "10.3": ["map_sklearn_style", "map_scipy_minimize", "map_lbfgs_gradient"]}

# Classic mistakes beyond the shipped misconceptions: (kata, function, replacement source).
MISTAKES = [
    ("10.1", "bayes_update", '''
def bayes_update(prior, likelihood):
    prior, likelihood = np.asarray(prior, dtype=float), np.asarray(likelihood, dtype=float)
    return prior * likelihood / np.sum(likelihood)
'''),
    ("10.1", "grid_posterior", '''
def grid_posterior(grid, prior, heads, n):
    grid, prior = np.asarray(grid, dtype=float), np.asarray(prior, dtype=float)
    if grid.shape != prior.shape or np.any((grid < 0) | (grid > 1)):
        raise ValueError("bad input")
    with np.errstate(divide="ignore"):
        log_post = special.xlogy(heads, grid) + special.xlog1py(n - heads, -grid)  # the prior forgotten
    if not np.any(np.isfinite(log_post)):
        raise ValueError("the posterior mass is 0")
    weights = np.exp(log_post - log_post.max())
    return weights / weights.sum()
'''),
    ("10.1", "credible_interval", '''
def credible_interval(alpha, beta, mass=0.95):
    if not (0 < mass < 1 and alpha > 0 and beta > 0):
        raise ValueError("bad")
    return float(stats.beta.ppf(1 - mass, alpha, beta)), float(stats.beta.ppf(mass, alpha, beta))
'''),
    ("10.3", "fit_logistic_map", '''
def fit_logistic_map(X, y, tau):
    X, y = _check(X, y, tau)
    w = b = 0.0
    for _ in range(2000):  # plain gradient descent, fixed step and count: stops short on real data
        r = 1 / (1 + np.exp(-np.clip(w * X + b, -700, 700))) - y
        w, b = w - 1e-3 * (np.sum(r * X) + w / tau**2), b - 1e-3 * np.sum(r)
    return w, b
'''),
    ("10.3", "ridge_map", '''
def ridge_map(X, y, sigma, tau):
    X = np.asarray(X, dtype=float)
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    X = np.column_stack([X, np.ones(len(X))])  # an intercept the contract does not ask for
    y = np.asarray(y, dtype=float)
    if X.shape[0] != y.shape[0] or sigma <= 0 or tau <= 0:
        raise ValueError("bad")
    return np.linalg.solve(X.T @ X + (sigma / tau) ** 2 * np.eye(X.shape[1]), X.T @ y)[:-1]
'''),
    ("10.3", "gaussian_mean_map", '''
def gaussian_mean_map(data, sigma, mu0, tau):
    data = np.asarray(data, dtype=float)
    if data.size == 0 or sigma <= 0 or tau <= 0:
        raise ValueError("bad")
    return float((mu0 + data.mean()) / 2)  # prior and data weighed equally
'''),
    ("10.1", "posterior_positive_test", '''
def posterior_positive_test(prevalence, sensitivity, specificity):
    if not all(0 <= v <= 1 for v in (prevalence, sensitivity, specificity)):
        raise ValueError("not a probability")
    evidence = sensitivity + (1 - specificity)  # the prevalence does not weigh the two branches
    if evidence == 0:
        raise ValueError("P(positive) is 0")
    return sensitivity * prevalence / evidence
'''),
    ("10.1", "grid_posterior", '''
def grid_posterior(grid, prior, heads, n):
    grid, prior = np.asarray(grid, dtype=float), np.asarray(prior, dtype=float)
    if grid.shape != prior.shape or np.any((grid < 0) | (grid > 1)):
        raise ValueError("bad input")
    weights = prior * grid ** heads * (1 - grid) ** (n - heads)  # no logs: underflows for large n
    if weights.sum() == 0:
        raise ValueError("the posterior mass is 0")
    return weights / weights.sum()
'''),
    ("10.1", "prob_greater_than", '''
def prob_greater_than(alpha, beta, heads, n, threshold):
    if not (alpha > 0 and beta > 0 and 0 <= heads <= n and 0 <= threshold <= 1):
        raise ValueError("bad input")
    return float(stats.beta.cdf(threshold, alpha + heads, beta + n - heads))  # P(p < threshold)
'''),
]


def run(ws, *args):
    return CliRunner().invoke(main, ["--root", str(ws), *args])


def test_list_shows_phase_10_in_order(ws):
    ids = [line.split()[0] for line in run(ws, "list").output.splitlines()]
    assert ids == ["10.1", "10.2", "10.3"]


@pytest.mark.parametrize("kata_id, first", [("10.1", "bayes_update"), ("10.3", "binomial_map")])
def test_stub_scores_zero_and_says_where_to_start(ws, kata_id, first):
    result = run(ws, "check", kata_id)
    assert result.exit_code == 1 and "score 0/" in result.output
    assert result.output.splitlines()[-1].startswith(f"next: start with {first}")


@pytest.mark.parametrize("kata_id, style", [(k, s) for k, styles in STYLES.items() for s in styles])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_correct_code_in_other_styles_scores_full_marks(grader, manifest, kata_id, style, seed):
    result = grader.grade(manifest.get(kata_id), SUBMISSIONS / "katas" / f"{style}.py", seed)
    assert result.full_marks, [(c.name, c.message) for c in result.checks if not c.passed]


@pytest.mark.parametrize("kata_id, target, source", MISTAKES, ids=[f"{k}-{t}" for k, t, _ in MISTAKES])
def test_a_classic_mistake_costs_only_its_function(grader, manifest, tmp_path, kata_id, target, source):
    kata = manifest.get(kata_id)
    path = tmp_path / kata.files[0]
    path.write_text(kata.solution_path.read_text() + "\n" + source)
    for seed in (0, 1):
        result = grader.grade(kata, path, seed)
        lost = {c.target for c in result.checks if not c.passed}
        assert lost == {target}, [(c.name, c.message) for c in result.checks if not c.passed]


def test_no_file_of_grader_names_a_kata():
    manifest = workspace.load_manifest(REPO)
    names = set()
    for kata in manifest.katas:
        names |= {kata.id, kata.folder.name, Path(kata.files[0]).stem, *kata.targets}
    pattern = re.compile("|".join(rf"(?<![\w.]){re.escape(n)}(?![\w])" for n in sorted(names, key=len, reverse=True)))
    found = []
    for path in (REPO / "grader").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not found, found


def test_kata_new_creates_a_kata_that_verifies_at_once(ws):
    before = (ws / "kata.yaml").read_text()
    result = run(ws, "new", "10.4", "--title", "Expectation maximisation", "--file", "em.py")
    assert result.exit_code == 0, result.output
    assert (ws / "katas/10.4-expectation-maximisation/.shipped/em.py").exists()
    assert (ws / "solutions/10.4-expectation-maximisation/em.py").exists()
    assert (ws / "kata.yaml").read_text().startswith(before)  # comments and all, untouched
    verified = run(ws, "verify", "10.4")
    assert verified.exit_code == 0 and verified.output.startswith("ok    10.4"), verified.output
    assert [line.split()[0] for line in run(ws, "list").output.splitlines()][-1] == "10.4"
    checked = run(ws, "check", "10.4")
    assert "next: start with example" in checked.output


def test_kata_new_refuses_what_exists_or_makes_no_sense(ws):
    assert run(ws, "new", "10.2", "--title", "Again", "--file", "x.py").exit_code == 2
    bad = run(ws, "new", "10.9", "--title", "Odd", "--file", "not a module.txt")
    assert bad.exit_code == 2 and bad.output.count("\n") == 1 and "must name a Python module" in bad.output


def test_kata_new_then_verify_fails_usefully_as_the_author_goes(ws):
    run(ws, "new", "10.4", "--title", "Expectation maximisation", "--file", "em.py")
    stub = ws / "katas/10.4-expectation-maximisation/.shipped/em.py"
    stub.write_text(stub.read_text() + "\n\ndef e_step(x):\n    raise NotImplementedError\n")
    result = run(ws, "verify", "10.4")
    assert result.exit_code == 1 and "e_step" in result.output
