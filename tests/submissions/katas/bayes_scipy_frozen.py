"""Correct, as tutorials write it: lists and zip, frozen scipy.stats.beta (mean, interval), binom.logpmf
with logsumexp on the grid, 1 - beta.cdf for the tail."""
import numpy as np
from scipy import stats
from scipy.special import logsumexp


def _check_counts(alpha, beta, heads, n):
    if alpha <= 0 or beta <= 0:
        raise ValueError("alpha and beta must be positive")
    if n < 0 or heads < 0 or heads > n:
        raise ValueError("need 0 <= heads <= n")


def bayes_update(prior, likelihood):
    prior = list(prior); likelihood = list(likelihood)
    if len(prior) != len(likelihood):
        raise ValueError("lengths differ")
    if any(p < 0 for p in prior) or any(l < 0 for l in likelihood):
        raise ValueError("negative")
    unnorm = [p * l for p, l in zip(prior, likelihood)]
    evidence = sum(unnorm)
    if evidence == 0:
        raise ValueError("evidence is zero")
    return np.array([u / evidence for u in unnorm])


def posterior_positive_test(prevalence, sensitivity, specificity):
    for v in (prevalence, sensitivity, specificity):
        if not 0 <= v <= 1:
            raise ValueError("probabilities must be in [0, 1]")
    p_pos = sensitivity * prevalence + (1 - specificity) * (1 - prevalence)
    if p_pos == 0:
        raise ValueError("P(+) = 0")
    return sensitivity * prevalence / p_pos


def beta_binomial_update(alpha, beta, heads, n):
    _check_counts(alpha, beta, heads, n)
    return alpha + heads, beta + (n - heads)


def posterior_mean(alpha, beta, heads, n):
    a, b = beta_binomial_update(alpha, beta, heads, n)
    return stats.beta(a, b).mean()


def credible_interval(alpha, beta, mass=0.95):
    if not 0 < mass < 1:
        raise ValueError("mass")
    if alpha <= 0 or beta <= 0:
        raise ValueError("params")
    return stats.beta(alpha, beta).interval(mass)


def grid_posterior(grid, prior, heads, n):
    grid = np.asarray(grid, float); prior = np.asarray(prior, float)
    if grid.shape != prior.shape:
        raise ValueError("shapes")
    if np.any(grid < 0) or np.any(grid > 1):
        raise ValueError("grid")
    with np.errstate(divide="ignore"):
        log_post = stats.binom.logpmf(heads, n, grid) + np.log(prior)
    if np.all(np.isneginf(log_post)):
        raise ValueError("no mass")
    return np.exp(log_post - logsumexp(log_post))


def prob_greater_than(alpha, beta, heads, n, threshold):
    if not 0 <= threshold <= 1:
        raise ValueError("threshold")
    a, b = beta_binomial_update(alpha, beta, heads, n)
    return 1 - stats.beta.cdf(threshold, a, b)
