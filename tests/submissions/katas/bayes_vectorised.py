"""Kata 10.1 vectorised: NumPy throughout, scipy.special for the logs, tuples and arrays."""
import numpy as np
from scipy import special, stats


def bayes_update(prior, likelihood):
    prior, likelihood = np.asarray(prior, dtype=float), np.asarray(likelihood, dtype=float)
    if prior.shape != likelihood.shape:
        raise ValueError("prior and likelihood must have the same length")
    if (prior < 0).any() or (likelihood < 0).any():
        raise ValueError("negative entries")
    unnormalised = prior * likelihood
    evidence = unnormalised.sum()
    if evidence <= 0:
        raise ValueError("evidence is zero")
    return unnormalised / evidence


def posterior_positive_test(prevalence, sensitivity, specificity):
    values = np.array([prevalence, sensitivity, specificity], dtype=float)
    if ((values < 0) | (values > 1)).any():
        raise ValueError("probabilities must lie in [0, 1]")
    prior = np.array([prevalence, 1 - prevalence])
    likelihood = np.array([sensitivity, 1 - specificity])
    joint = prior * likelihood
    if joint.sum() == 0:
        raise ValueError("a positive test is impossible")
    return joint[0] / joint.sum()


def beta_binomial_update(alpha, beta, heads, n):
    if not (alpha > 0 and beta > 0) or n < 0 or not 0 <= heads <= n:
        raise ValueError("bad parameters")
    return np.array([alpha + heads, beta + n - heads], dtype=float)


def posterior_mean(alpha, beta, heads, n):
    a, b = beta_binomial_update(alpha, beta, heads, n)
    return stats.beta.mean(a, b)


def credible_interval(alpha, beta, mass=0.95):
    if not (0 < mass < 1) or alpha <= 0 or beta <= 0:
        raise ValueError("bad parameters")
    tails = np.array([(1 - mass) / 2, (1 + mass) / 2])
    return tuple(stats.beta.ppf(tails, alpha, beta))


def grid_posterior(grid, prior, heads, n):
    grid, prior = np.asarray(grid, dtype=float), np.asarray(prior, dtype=float)
    if grid.shape != prior.shape:
        raise ValueError("grid and prior differ in length")
    if grid.min() < 0 or grid.max() > 1:
        raise ValueError("grid outside [0, 1]")
    log_likelihood = stats.binom.logpmf(heads, n, grid)
    with np.errstate(divide="ignore"):
        log_posterior = np.log(prior) + log_likelihood
    if np.isneginf(log_posterior).all():
        raise ValueError("zero posterior mass")
    return np.exp(log_posterior - special.logsumexp(log_posterior))


def prob_greater_than(alpha, beta, heads, n, threshold):
    a, b = beta_binomial_update(alpha, beta, heads, n)
    if not 0 <= threshold <= 1:
        raise ValueError("threshold must be in [0, 1]")
    return stats.beta(a, b).sf(threshold)
