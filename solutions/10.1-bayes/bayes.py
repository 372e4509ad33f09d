"""Kata 10.1: Bayesian thinking, reference solution."""

import numpy as np
from scipy import special, stats


def _counts(alpha, beta, heads, n):
    if not (alpha > 0 and beta > 0 and n >= 0 and 0 <= heads <= n):
        raise ValueError("need alpha > 0, beta > 0, n >= 0 and 0 <= heads <= n")


def bayes_update(prior, likelihood):
    prior = np.asarray(prior, dtype=float)
    likelihood = np.asarray(likelihood, dtype=float)
    if prior.shape != likelihood.shape:
        raise ValueError("prior and likelihood differ in length")
    if np.any(prior < 0) or np.any(likelihood < 0):
        raise ValueError("negative weights")
    joint = prior * likelihood
    evidence = joint.sum()
    if evidence == 0:
        raise ValueError("the evidence is 0")
    return joint / evidence


def posterior_positive_test(prevalence, sensitivity, specificity):
    if not all(0 <= v <= 1 for v in (prevalence, sensitivity, specificity)):
        raise ValueError("probabilities must be in [0, 1]")
    true_positive = sensitivity * prevalence
    positive = true_positive + (1 - specificity) * (1 - prevalence)
    if positive == 0:
        raise ValueError("P(positive) is 0")
    return true_positive / positive


def beta_binomial_update(alpha, beta, heads, n):
    _counts(alpha, beta, heads, n)
    return alpha + heads, beta + n - heads


def posterior_mean(alpha, beta, heads, n):
    _counts(alpha, beta, heads, n)
    return (alpha + heads) / (alpha + beta + n)


def credible_interval(alpha, beta, mass=0.95):
    if not (0 < mass < 1 and alpha > 0 and beta > 0):
        raise ValueError("need 0 < mass < 1, alpha > 0 and beta > 0")
    tail = (1 - mass) / 2
    return float(stats.beta.ppf(tail, alpha, beta)), float(stats.beta.isf(tail, alpha, beta))


def grid_posterior(grid, prior, heads, n):
    grid = np.asarray(grid, dtype=float)
    prior = np.asarray(prior, dtype=float)
    if grid.shape != prior.shape:
        raise ValueError("grid and prior differ in length")
    if np.any((grid < 0) | (grid > 1)):
        raise ValueError("grid values must be in [0, 1]")
    with np.errstate(divide="ignore"):
        log_post = np.log(prior) + special.xlogy(heads, grid) + special.xlog1py(n - heads, -grid)
    if not np.any(np.isfinite(log_post)):
        raise ValueError("the posterior mass is 0")
    weights = np.exp(log_post - log_post.max())
    return weights / weights.sum()


def prob_greater_than(alpha, beta, heads, n, threshold):
    _counts(alpha, beta, heads, n)
    if not 0 <= threshold <= 1:
        raise ValueError("threshold must be in [0, 1]")
    return float(stats.beta.sf(threshold, alpha + heads, beta + n - heads))
