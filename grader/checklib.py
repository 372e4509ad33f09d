"""Helpers for writing checks: validate what came back, compare, explain.

Every value a learner returns is plain data decoded by :mod:`grader.workers.wire.codec`,
but it is still the learner's: these helpers turn it into floats or arrays
(leniently, the way learners write code: a NumPy scalar or a 0-d array is a
number, a tuple, list or array of two numbers is a pair) and fail with a
message a learner can act on when it is not what the contract says.

A :class:`CheckFailure` carries the detail (``0.56, expected 0.55 (rel. error
1.8%)``); the runner prefixes the call that produced it.
"""

from __future__ import annotations

import functools
import hashlib
import math

import numpy as np

from .core.runner import CheckFailure
from .core.session import LearnerError
from .core.show import describe, fmt

NLL_GAP = 1e-3
"""How far above its minimum a fitted model's negative log-likelihood may be, in nats.

About 0.05 standard errors from the MLE: far finer than statistics cares
about, yet reached by any optimiser that converged."""


def number(value, what: str = "") -> float:
    """The learner's value as a float, or a failure saying why it is not a number.

    Lenient the way learners write code: an int, a float, a NumPy scalar, a
    0-d or one-element array are numbers; a bool, a string or None are not.

    Parameters
    ----------
    value : object
        What the learner's function returned (plain data from the worker).
    what : str
        A label for the failure message (``"sigma"``).

    Examples
    --------
    >>> number(np.float32(0.5))
    0.5
    >>> number("0.5", "p")
    Traceback (most recent call last):
    ...
    grader.checklib.CheckFailure: returned '0.5' (a str) for p; expected a number
    """
    where = f" for {what}" if what else ""
    if isinstance(value, (np.ndarray, np.generic)) and value.size == 1 and value.dtype.kind in "iuf":
        return float(value.reshape(()))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise CheckFailure(f"returned an integer of {len(str(abs(value)))} digits{where}, "
                               "too large for a float; expected a number") from None
    raise CheckFailure(f"returned {describe(value)}{where}; expected a number")


def numbers(value, names: tuple) -> tuple:
    """A tuple, list or 1-D array of ``len(names)`` numbers, as floats.

    Parameters
    ----------
    value : object
        What the learner's function returned.
    names : tuple of str
        The values' names in the contract's order, e.g. ``("mu", "sigma")``.

    Examples
    --------
    >>> numbers(np.array([1.0, 2.0]), ("mu", "sigma"))
    (1.0, 2.0)
    >>> numbers((1.0,), ("mu", "sigma"))
    Traceback (most recent call last):
    ...
    grader.checklib.CheckFailure: returned (1), 1 values; expected 2 numbers (mu, sigma)
    """
    count = len(names)
    shape = "(" + ", ".join(names) + ")"
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iuf":
        value = list(value)
    if not isinstance(value, (tuple, list)) or len(value) != count:
        got = describe(value)
        if isinstance(value, (tuple, list, np.ndarray)):
            got = f"{got}, {len(value)} values" if not isinstance(value, np.ndarray) or value.ndim else got
        raise CheckFailure(f"returned {got}; expected {count} numbers {shape}")
    return tuple(number(v, name) for v, name in zip(value, names))


def array(value, shape: tuple) -> np.ndarray:
    """The learner's value as a float array of exactly ``shape``.

    Parameters
    ----------
    value : object
        What the learner's function returned: an array, a list, or a number for shape ``()``.
    shape : tuple of int
        The shape the contract promises.

    Examples
    --------
    >>> array([1, 2], (2,))
    array([1., 2.])
    >>> array([1, 2], (3,))
    Traceback (most recent call last):
    ...
    grader.checklib.CheckFailure: returned an array of shape (2,); expected shape (3,)
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = np.asarray(number(value))
    elif isinstance(value, (list, tuple)):
        try:
            value = np.asarray(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise CheckFailure(f"returned {describe(value)}; expected an array of shape {shape}") from None
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "iuf":
        raise CheckFailure(f"returned {describe(value)}; expected an array of shape {shape}")
    if value.shape != tuple(shape):
        raise CheckFailure(f"returned an array of shape {value.shape}; expected shape {tuple(shape)}")
    return value.astype(float)


def close(actual: float, expected: float, *, rtol: float = 1e-7, atol: float = 1e-9,
          what: str = "", n: int | None = None, offsets: dict | None = None,
          variants: dict | None = None) -> None:
    """Fail unless ``actual`` is within tolerance of ``expected`` (infinities must match).

    A failure names a recognisable relation when there is one (see
    :func:`relation`): ``n`` (the data size), ``offsets`` (named constants)
    and ``variants`` (what a known mistake computes) let it recognise more.

    Parameters
    ----------
    actual : float
        The learner's number (already checked by :func:`number`).
    expected : float
        The trusted value.
    rtol, atol : float
        The tolerance; follow the contract and the conditioning of the
        computation, never float64 round-off.
    what : str
        A label for the value (``"sigma"``).
    n : int, optional
        The data size, for factors such as n/(n-1).
    offsets : dict, optional
        ``{name: constant}``, e.g. ``{"n/2·ln(2π)": n / 2 * log(2π)}``.
    variants : dict, optional
        ``{explanation: value}``, the value a known mistake gives, e.g.
        ``{"the log-likelihood with σ in place of σ²": ll(mu, sqrt(sigma))}``.

    Examples
    --------
    >>> close(2.0000001, 2.0, rtol=1e-6)
    >>> close(2.5, 2.0, what="sigma", n=5)
    Traceback (most recent call last):
    ...
    grader.checklib.CheckFailure: sigma 2.5, expected 2 (abs. error 0.5, rel. error 25%): off by a factor of n/(n-1)
    """
    if _close(actual, expected, rtol, atol):
        return
    label = f"{what} " if what else ""
    found = relation(actual, expected, n=n, offsets=offsets, variants=variants)
    raise CheckFailure(f"{label}{fmt(actual, expected)}, expected {fmt(expected, actual)}"
                       f"{_error_note(actual, expected)}{': ' + found if found else ''}")


def close_values(actual: tuple, expected: tuple, names: tuple, only: tuple = (), **tolerances) -> None:
    """Compare several returned values; a failure notices values returned in the wrong order.

    Parameters
    ----------
    actual, expected : tuple of float
        The learner's values (from :func:`numbers`) and the trusted ones.
    names : tuple of str
        Their names, in the contract's order.
    only : tuple of str
        The names this check judges (default all); the others are looked at
        only to recognise a swapped order.
    **tolerances
        ``rtol``, ``atol`` and the other keywords of :func:`close`.

    Examples
    --------
    >>> close_values((1.0, 2.0), (2.0, 1.0), ("mu", "sigma"))
    Traceback (most recent call last):
    ...
    grader.checklib.CheckFailure: (1, 2), expected (2, 1): the values are swapped; return (mu, sigma) in that order
    """
    judged = [i for i, name in enumerate(names) if not only or name in only]
    if all(_close(actual[i], expected[i], tolerances.get("rtol", 1e-7), tolerances.get("atol", 1e-9))
           for i in judged):
        return
    if len(actual) == 2 and all(_close(a, e, 1e-6, 1e-9) for a, e in zip(actual[::-1], expected)):
        raise CheckFailure(f"({', '.join(fmt(a) for a in actual)}), expected "
                           f"({', '.join(fmt(e) for e in expected)}): the values are swapped; "
                           f"return ({', '.join(names)}) in that order")
    for i in judged:
        close(actual[i], expected[i], what=names[i], **tolerances)


def relation(actual: float, expected: float, n: int | None = None, offsets: dict | None = None,
             variants: dict | None = None) -> str:
    """Words for how ``actual`` relates to ``expected``, or "" when nothing is recognised.

    Tries, in order: the ``variants`` (known mistakes' values), nan and
    infinities, a flipped sign, factors (2, 1/2, and with ``n``: n, 1/n,
    n/(n-1) and their roots), squares and roots, then the named ``offsets``.
    :func:`close` calls it; a check calls it to explain a failure of its own.

    Examples
    --------
    >>> relation(-3.5, 3.5)
    'the sign is flipped'
    >>> relation(7.0, 3.5)
    'off by a factor of 2'
    >>> relation(1.0, 3.5)
    ''
    """
    actual, expected = float(actual), float(expected)

    def means(value: float) -> bool:
        """A relation is only named where it moves the value: near 0 and 1, x, x² and √x coincide."""
        return _near(actual, value) and not _near(value, expected, DISTINCT)

    for explanation, value in (variants or {}).items():
        if math.isfinite(actual) and means(float(value)):
            return f"it equals {explanation}"
    if math.isnan(actual):
        return "nan where a finite value was expected" if math.isfinite(expected) else ""
    if math.isinf(actual) and math.isfinite(expected):
        return (f"{fmt(actual)} where a finite value was expected (an overflow, or the log of 0: a product "
                "of many probabilities, or one tiny density, underflows to 0; take logs before multiplying)")
    if not (math.isfinite(actual) and math.isfinite(expected)) or expected == 0:
        return ""
    if means(-expected):
        return "the sign is flipped"
    factors = {"2": 2.0, "1/2": 0.5}
    if n and n > 1:
        factors.update({"n": n, "1/n": 1 / n, "n/(n-1)": n / (n - 1), "(n-1)/n": (n - 1) / n,
                        "sqrt(n/(n-1))": math.sqrt(n / (n - 1)), "sqrt((n-1)/n)": math.sqrt((n - 1) / n)})
    for name, factor in factors.items():
        if means(expected * factor):
            return f"off by a factor of {name}"
    if means(expected ** 2):
        return "it is the square of the expected value"
    if expected > 0 and means(math.sqrt(expected)):
        return "it is the square root of the expected value"
    for name, offset in (offsets or {}).items():
        for sign, word in ((1, "+"), (-1, "-")):
            if means(expected + sign * offset):
                return f"off by the constant {word}{name}"
    return ""


DISTINCT = 1e-3
"""How far (relatively) a related value must lie from the expected one for the relation to be named."""


def _near(a: float, b: float, rtol: float = 1e-5) -> bool:
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-12)


def close_array(actual: np.ndarray, expected: np.ndarray, *, rtol: float = 1e-7,
                atol: float = 1e-9) -> None:
    """Fail unless every element is close; name the worst element.

    Parameters
    ----------
    actual, expected : numpy.ndarray
        The learner's array (from :func:`array`, so the shapes agree) and the trusted one.
    rtol, atol : float
        The tolerance per element, as in :func:`close`.

    Examples
    --------
    >>> close_array(np.array([1.0, 2.0, 3.5]), np.array([1.0, 2.0, 3.0]))
    Traceback (most recent call last):
    ...
    grader.checklib.CheckFailure: 1 of 3 elements wrong; worst at [2]: 3.5, expected 3 (abs. error 0.5, rel. error 16.7%)
    """
    ok = np.array([_close(a, e, rtol, atol) for a, e in zip(actual.ravel(), expected.ravel())])
    if ok.all():
        return
    bad = np.flatnonzero(~ok)
    with np.errstate(invalid="ignore"):
        errors = np.abs(actual.ravel() - expected.ravel())
    errors = np.where(np.isnan(errors), np.inf, errors)
    worst = bad[np.argmax(errors[bad])]
    index = np.unravel_index(worst, actual.shape)
    index = index[0] if len(index) == 1 else index
    a, e = actual.ravel()[worst], expected.ravel()[worst]
    raise CheckFailure(f"{len(bad)} of {actual.size} elements wrong; worst at [{index}]: "
                       f"{fmt(a, e)}, expected {fmt(e, a)}{_error_note(a, e)}")


def accepts(function, *args, **kwargs):
    """Call the learner's ``function`` on valid input; fail if it raises. Returns the value.

    A "rejects bad input" check calls this first, then judges only the
    value's kind (a number, a pair, an array of the contract's shape) before
    :func:`raises` for each bad input: a function that raises on every call
    does not reject bad input, it rejects everything, so it scores nothing
    there; whether the value is right is the value checks' business, so a
    wrong value never costs a point of validation.

    Parameters
    ----------
    function : callable
        A learner function, e.g. ``learner.f``.
    *args, **kwargs
        Valid input.

    Examples
    --------
    In a check::

        number(accepts(learner.f, good))
        raises(ValueError, "it is empty", learner.f, bad)
    """
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise
    except LearnerError as exc:
        raise CheckFailure(f"raised {exc} on valid input; only bad input must be rejected") from None


def raises(exc_type: type, because: str, function, *args, **kwargs) -> None:
    """Fail unless the learner's ``function(*args)`` raises ``exc_type``.

    Parameters
    ----------
    exc_type : type
        The built-in exception the contract names (``ValueError``); the
        learner's own subclasses of it count.
    because : str
        Why the input is bad, for the message: ``"the data is empty"``.
    function : callable
        A learner function; ``*args, **kwargs`` are the bad input.

    Examples
    --------
    >>> raises(ValueError, "the data is empty", lambda data: 0.0, [])
    Traceback (most recent call last):
    ...
    grader.checklib.CheckFailure: returned 0; expected ValueError because the data is empty
    """
    try:
        value = function(*args, **kwargs)
    except exc_type:
        return
    except NotImplementedError:
        raise
    except LearnerError as exc:
        raise CheckFailure(f"raised {exc}; expected {exc_type.__name__} because {because}") from None
    raise CheckFailure(f"returned {describe(value)}; expected {exc_type.__name__} because {because}")


def memo(function):
    """Cache a pure, expensive reference computation across submissions.

    Arguments may be NumPy arrays (keyed by dtype, shape and bytes). In a
    cohort every student gets the same data for a seed, so work that does not
    depend on the learner is done once, not once per submission. Return
    values are shared: do not modify them.

    Examples
    --------
    >>> @memo
    ... def fit(X):
    ...     print("fitting")
    ...     return float(X.mean())
    >>> fit(np.ones(3)), fit(np.ones(3))
    fitting
    (1.0, 1.0)
    """
    cache: dict = {}

    def key(value):
        if isinstance(value, np.ndarray):  # a digest, not the bytes: the cache holds no copies of data
            digest = hashlib.blake2b(np.ascontiguousarray(value).view(np.uint8), digest_size=16).digest()
            return ("array", value.dtype.str, value.shape, digest)
        if isinstance(value, (tuple, list)):
            return (type(value).__name__, *map(key, value))
        return value

    def cached(*args):
        k = tuple(key(a) for a in args)
        if k not in cache:
            if len(cache) > 4096:
                cache.clear()
            cache[k] = function(*args)
        return cache[k]

    return functools.wraps(function)(cached)


def _close(a: float, e: float, rtol: float, atol: float) -> bool:
    a, e = float(a), float(e)
    if math.isnan(a) or math.isnan(e):
        return False
    if math.isinf(e) or math.isinf(a):
        return a == e
    return abs(a - e) <= atol + rtol * abs(e)


def _error_note(actual: float, expected: float) -> str:
    actual, expected = float(actual), float(expected)
    if math.isnan(actual):
        return " (nan: an undefined operation such as 0 * log(0) or inf - inf)"
    if not math.isfinite(actual) or not math.isfinite(expected):
        return ""
    diff = abs(actual - expected)
    note = f" (abs. error {diff:.3g}"
    if expected != 0:
        rel = diff / abs(expected)
        note += f", rel. error {100 * rel:.3g}%" if rel >= 1e-4 else f", rel. error {rel:.2g}"
    return note + ")"


OPTIMISER_ADVICE = ("Let the optimiser reach the minimum: start where the data is, scale X (fit on standardised X, "
                    "then convert back), pass the gradient (jac=), tighten the tolerances (gtol; Nelder-Mead's xatol "
                    "and fatol) and check result.success. A cost averaged over the data has an n times smaller "
                    "gradient: default tolerances stop it n times too early.")
"""The hint for a fit whose optimiser stopped before the minimum (see :func:`near_minimum`)."""


def near_minimum(gap: float, got, best, names: tuple, *, note: str = "", relation="",
                 objective: str = "negative log-likelihood", stopped=None, advice: str = OPTIMISER_ADVICE) -> None:
    """Fail unless the learner's parameters ``got`` fit within :data:`NLL_GAP` of the best fit.

    "The objective is this far above its minimum" is how a fit is judged: it
    accepts every optimiser that converged (closed form, Newton, BFGS,
    Nelder-Mead, gradient descent run long enough) and refuses one that
    stopped early, whatever the parameters' scale.

    A failure names a known mistake the fit behaves like (``relation``); when
    there is none, ``stopped`` words where the optimiser stopped (the gradient
    there, the fit against the data's scale) and ``advice`` replaces the
    check's own hint, which is about the model, not about optimisers.

    Parameters
    ----------
    gap : float
        objective(got) - objective(best), computed by the check with trusted code; ``inf``
        or ``nan`` when the learner's point has no finite objective (that fails too).
    got, best : sequence of float
        The learner's parameters and the trusted optimum, in the order of ``names``.
    names : tuple of str
        The parameters as the stub's docstring names them, e.g. ``("m", "b")``.
    note : str
        Words after the expected values, e.g. ``"(least squares)"``.
    relation : str or callable
        A clause naming a known mistake the fit behaves like (``": the values
        are swapped"``); a callable is only called when the check fails.
    objective : str
        What is minimised, as the lesson calls it: ``"negative log-posterior"`` for a MAP.
    stopped : callable, optional
        ``() -> str``: where the fit stopped (see :func:`stopped_early`), or "" to say nothing.
    advice : str
        The hint shown with ``stopped``'s clause.

    Examples
    --------
    >>> near_minimum(0.0004, (1.0, 2.0), (1.0, 2.0001), ("m", "b"))  # within NLL_GAP: passes
    >>> near_minimum(0.5, (1.0, 2.0), (1.2, 2.0), ("m", "b"))
    Traceback (most recent call last):
    ...
    grader.checklib.CheckFailure: (m, b) = (1, 2), expected (1.2, 2): its negative log-likelihood is 0.5 above the minimum
    """
    if gap <= NLL_GAP:
        return
    clause = relation() if callable(relation) else relation
    hint = None
    if not clause and stopped is not None and math.isfinite(gap):
        where = stopped()
        if where:
            clause, hint = f"; {where}", advice
    raise CheckFailure(f"{_point(names)} = {_point(got)}, expected {_point(best)}{' ' + note if note else ''}: "
                       f"its {objective} is {fmt(gap)} above the minimum{clause}", hint=hint)


def stopped_early(gradient, names: tuple, where: str = "") -> str:
    """Words for a fit that stopped where the objective still slopes: the gradient, then ``where``.

    Examples
    --------
    >>> stopped_early((-3100.0, 12.5), ("w", "b"), "near its start (0, 0)")
    'the optimiser stopped before the minimum, near its start (0, 0): the gradient there is (-3100, 12.5), not 0'
    """
    return (f"the optimiser stopped before the minimum{', ' + where if where else ''}: the gradient there is "
            f"{_point(gradient)}, not 0")


def decision_boundary(got, best, X, best_name: str = "the MLE") -> str:
    """Where a logistic fit ``(w, b)`` puts its decision boundary ``-b/w``, against the data and ``best``'s.

    Examples
    --------
    >>> decision_boundary((0.01, 0.002), (0.5, -60.0), np.array([80.0, 120.0, 160.0]))
    'with its decision boundary -b/w at x = -0.2, outside the data (X from 80 to 160; the MLE puts it at 120)'
    """
    w, b = float(got[0]), float(got[1])
    at = -b / w if w else math.inf
    lo, hi = float(np.min(X)), float(np.max(X))
    place = "inside" if lo <= at <= hi else "outside"
    return (f"with its decision boundary -b/w at x = {fmt(at)}, {place} the data (X from {fmt(lo)} to {fmt(hi)}; "
            f"{best_name} puts it at {fmt(-best[1] / best[0])})")


def agrees(form_values: list, plain_values: list, reference_values: list, *, form: str, plain: str,
           at: list, names: tuple, rtol: float = 1e-9, atol: float = 1e-9) -> None:
    """Fail unless the learner's values with an input in one form equal its values with the plain form.

    A form check ("X may be an n × 1 column", "params may be a tuple") judges
    that alone: at each point of ``at`` the learner's own value for the input
    in ``form`` must equal its value for the input as ``plain``, right or
    wrong (the value checks judge the value), so a mistake in the value never
    costs a form check. So that junk cannot pass, the learner's plain values
    must change from point to point where the trusted ``reference_values`` do.

    Parameters
    ----------
    form_values, plain_values : list of float
        The learner's values at each point, with the input in the form judged and as plain.
    reference_values : list of float
        The trusted values at the same points.
    form, plain : str
        The two forms, for the message: ``"X as an n × 1 column"``, ``"X 1-D"``.
    at : list of tuple
        The points, for the message; ``names`` their parameters.

    Examples
    --------
    >>> agrees([2.0, 3.0], [2.0, 3.0], [1.0, 1.5], form="a tuple", plain="an array", at=[(1,), (2,)], names=("x",))
    >>> agrees([20.0, 3.0], [2.0, 3.0], [1.0, 1.5], form="a tuple", plain="an array", at=[(1,), (2,)], names=("x",))
    Traceback (most recent call last):
    ...
    grader.checklib.CheckFailure: at x = 1 it returned 20 with a tuple and 2 with an array: the two must agree
    """
    for point, with_form, as_plain in zip(at, form_values, plain_values):
        if not _close(with_form, as_plain, rtol, atol) and not (math.isnan(with_form) and math.isnan(as_plain)):
            raise CheckFailure(f"at {_point(names)} = {_point(point)} it returned {fmt(with_form, as_plain)} with {form} "
                               f"and {fmt(as_plain, with_form)} with {plain}: the two must agree")
    moves = any(not _close(r, reference_values[0], 1e-6, 1e-12) for r in reference_values[1:])
    if moves and all(_close(v, plain_values[0], 1e-12, 0.0) for v in plain_values[1:]):
        shown = ", ".join(_point(p) for p in at)
        raise CheckFailure(f"returned {fmt(plain_values[0])} at every {_point(names)} tried ({shown}): "
                           "the value must depend on them")


def optimum_at(rng, learner_value, reference, best, others, *, atol: float, names: tuple,
               what: str = "NLL", largest: bool = False, best_name: str = "the MLE") -> None:
    """Fail unless the learner's function changes like the trusted one around its optimum ``best``.

    "This point is not the optimum": the learner's value at each of ``others``
    minus its value at ``best`` must match the trusted difference to 0.1% (plus
    ``atol``). Every point is evaluated in random order (``rng``), so neither
    call order nor state kept by the learner's module can fake the property,
    and a constant offset in the learner's function does not count here (the
    value checks judge that).

    Parameters
    ----------
    rng : numpy.random.Generator
        The check's ``rng`` fixture: it orders the calls.
    learner_value : callable
        ``point -> float``: calls the learner's function at a point (a tuple).
    reference : callable
        ``point -> float``: the trusted value at a point.
    best : tuple of float
        The trusted optimum.
    others : list of tuple
        Points near ``best``, each a small step away in one parameter.
    atol : float
        Absolute tolerance of a difference (the sum of two values' tolerances).
    names : tuple of str
        The parameters' names, for the message.
    what : str
        The function's name in the message: ``"NLL"``, ``"log-likelihood"``.
    largest : bool
        True when ``best`` is a maximum (a log-likelihood), False for a minimum.
    best_name : str
        How the message calls ``best``: ``"the MLE"``, ``"the least-squares fit"``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = lambda p: (p[0] - 1.0) ** 2
    >>> optimum_at(rng, f, f, (1.0,), [(1.1,), (0.9,)], atol=1e-9, names=("x",))
    >>> optimum_at(rng, lambda p: p[0], f, (1.0,), [(1.1,), (0.9,)], atol=1e-9, names=("x",))
    Traceback (most recent call last):
    ...
    grader.checklib.CheckFailure: NLL 1.1 at x = 1.1 and 1 at the MLE x = 1: there it should be 0.01 above that; the NLL must be smallest at the MLE
    """
    order = rng.permutation(len(others) + 1)
    points = [([best, *others])[i] for i in order]
    got = {tuple(np.ravel(p)): learner_value(p) for p in points}
    at_best = got[tuple(np.ravel(best))]
    for other in others:
        there = got[tuple(np.ravel(other))]
        expected = reference(other) - reference(best)
        if not abs((there - at_best) - expected) <= 1e-3 * abs(expected) + atol:
            raise CheckFailure(
                f"{what} {fmt(there)} at {_point(names)} = {_point(other)} and {fmt(at_best)} at {best_name} "
                f"{_point(names)} = {_point(best)}: there it should be {fmt(abs(expected))} "
                f"{'above' if expected > 0 else 'below'} that; the {what} must be "
                f"{'largest' if largest else 'smallest'} at {best_name}")


def _point(values) -> str:
    """``(1, 2)`` for several values, ``1`` for one; names are shown the same way."""
    shown = [v if isinstance(v, str) else fmt(v) for v in values]
    return shown[0] if len(shown) == 1 else "(" + ", ".join(shown) + ")"
