"""Correct, as Think Bayes and PyMC-minded tutorials write it: dict-free but pmf-like normalising with
np.divide, math.lgamma-free scipy calls, grid by binom.logpmf minus its maximum, the tail as 1 - cdf, the
interval from ppf on both tails, the mean from Beta's moments."""
import math

import numpy as np
from scipy import stats


def _valid_counts(alpha, beta, heads, n):
    if not (alpha > 0 and beta > 0):
        raise ValueError("alpha and beta must be positive")
    if not (n >= 0 and 0 <= heads <= n):
        raise ValueError("bad counts")


def bayes_update(prior, likelihood):
    prior = np.array(prior, dtype=float)
    likelihood = np.array(likelihood, dtype=float)
    if prior.size != likelihood.size:
        raise ValueError("one likelihood per hypothesis")
    if (prior < 0).any() or (likelihood < 0).any():
        raise ValueError("negative")
    unnormalised = np.multiply(prior, likelihood)
    total = unnormalised.sum()
    if not total > 0:
        raise ValueError("evidence is 0")
    return np.divide(unnormalised, total)


def posterior_positive_test(prevalence, sensitivity, specificity):
    if min(prevalence, sensitivity, specificity) < 0 or max(prevalence, sensitivity, specificity) > 1:
        raise ValueError("not a probability")
    false_positive_rate = 1.0 - specificity
    evidence = prevalence * sensitivity + (1.0 - prevalence) * false_positive_rate
    if evidence == 0:
        raise ValueError("P(+) = 0")
    return prevalence * sensitivity / evidence


def beta_binomial_update(alpha, beta, heads, n):
    _valid_counts(alpha, beta, heads, n)
    tails = n - heads
    return np.array([alpha + heads, beta + tails])


def posterior_mean(alpha, beta, heads, n):
    a, b = beta_binomial_update(alpha, beta, heads, n)
    return stats.beta.mean(a, b)


def credible_interval(alpha, beta, mass=0.95):
    if not (0 < mass < 1) or alpha <= 0 or beta <= 0:
        raise ValueError("bad arguments")
    lo, hi = stats.beta.ppf([(1 - mass) / 2, (1 + mass) / 2], alpha, beta)
    return [lo, hi]


def grid_posterior(grid, prior, heads, n):
    grid = np.asarray(grid, dtype=float)
    prior = np.asarray(prior, dtype=float)
    if len(grid) != len(prior):
        raise ValueError("grid and prior differ in length")
    if grid.min() < 0 or grid.max() > 1:
        raise ValueError("grid outside [0, 1]")
    with np.errstate(divide="ignore"):
        log_post = np.log(prior) + stats.binom.logpmf(heads, n, grid)
    if np.isneginf(log_post).all():
        raise ValueError("posterior mass is 0")
    post = np.exp(log_post - log_post.max())
    return post / post.sum()


def prob_greater_than(alpha, beta, heads, n, threshold):
    _valid_counts(alpha, beta, heads, n)
    if not 0 <= threshold <= 1:
        raise ValueError("threshold outside [0, 1]")
    return 1 - stats.beta.cdf(threshold, alpha + heads, beta + n - heads) if not math.isnan(threshold) else math.nan
