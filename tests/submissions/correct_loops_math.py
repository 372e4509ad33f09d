"""Correct: plain Python loops with the math module, lists returned, Newton's method by hand."""
import math


def _check_counts(heads, n):
    if n < 1 or heads < 0 or heads > n:
        raise ValueError("need n >= 1 and 0 <= heads <= n")


def binomial_mle(heads, n):
    _check_counts(heads, n)
    return heads / n


def _one(p, heads, n):
    if p < 0 or p > 1:
        raise ValueError("p must be in [0, 1]")
    total = 0.0
    for count, q in ((heads, p), (n - heads, 1 - p)):
        if count == 0:
            continue
        if q == 0:
            return -math.inf
        total += count * math.log(q)
    return total


def binomial_log_likelihood(p, heads, n):
    _check_counts(heads, n)
    if hasattr(p, "__len__"):
        values = [float(q) for q in p]
        for q in values:
            if q < 0 or q > 1:
                raise ValueError("p must be in [0, 1]")
        return [_one(q, heads, n) for q in values]
    return _one(p, heads, n)


def gaussian_mle(data):
    values = [float(x) for x in data]
    if not values:
        raise ValueError("no data")
    mu = sum(values) / len(values)
    return [mu, math.sqrt(sum((x - mu) ** 2 for x in values) / len(values))]


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    total = 0.0
    for x in data:
        total += -0.5 * math.log(2 * math.pi * sigma * sigma) - (x - mu) ** 2 / (2 * sigma * sigma)
    return total


def linear_regression_nll(params, X, y):
    m, b, log_sigma = params
    if len(X) != len(y):
        raise ValueError("X and y differ in length")
    var = math.exp(log_sigma) ** 2
    total = 0.0
    for x, t in zip(X, y):
        total += 0.5 * math.log(2 * math.pi * var) + (t - (m * x + b)) ** 2 / (2 * var)
    return total


def fit_linear_regression_mle(X, y):
    n = len(X)
    mx, my = sum(X) / n, sum(y) / n
    sxy = sum((a - mx) * (c - my) for a, c in zip(X, y))
    sxx = sum((a - mx) ** 2 for a in X)
    m = sxy / sxx
    b = my - m * mx
    sigma = math.sqrt(sum((c - m * a - b) ** 2 for a, c in zip(X, y)) / n)
    return (m, b, sigma)


def _softplus(z):
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def logistic_nll(params, X, y):
    w, b = params
    xs = [float(x[0]) if hasattr(x, "__len__") else float(x) for x in X]
    if len(xs) != len(y):
        raise ValueError("X and y differ in length")
    return sum(_softplus(w * x + b) - t * (w * x + b) for x, t in zip(xs, y))


def fit_logistic_mle(X, y):
    w = b = 0.0
    for _ in range(50):
        gw = gb = hww = hwb = hbb = 0.0
        for x, t in zip(X, y):
            p = 1 / (1 + math.exp(-(w * x + b)))
            gw += (p - t) * x
            gb += p - t
            s = p * (1 - p)
            hww += s * x * x
            hwb += s * x
            hbb += s
        det = hww * hbb - hwb * hwb
        w -= (hbb * gw - hwb * gb) / det
        b -= (hww * gb - hwb * gw) / det
    return w, b
