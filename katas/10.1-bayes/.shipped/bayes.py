"""Kata 10.1: Bayesian thinking.

Fill in each function below, then run ``kata check 10.1``. The lesson is in
README.md beside this file. You may use NumPy, SciPy and the standard library.
"""

import numpy as np


def bayes_update(prior, likelihood):
    """Posterior over discrete hypotheses, by Bayes' rule.

    posterior[i] = prior[i] * likelihood[i] / evidence, where
    evidence = sum(prior * likelihood). The prior need not sum to 1.

    Args:
        prior: array of prior weights, one per hypothesis.
        likelihood: array of P(data | hypothesis), same length.

    Returns:
        A NumPy array of the same length, summing to 1.

    Raises:
        ValueError: if the lengths differ (a length-1 input is not broadcast),
            any entry of either is negative, or the evidence is 0.
    """
    raise NotImplementedError


def posterior_positive_test(prevalence, sensitivity, specificity):
    """P(condition | positive test).

    prevalence = P(condition), sensitivity = P(positive | condition),
    specificity = P(negative | no condition).

    Returns:
        float: the posterior probability of the condition.

    Raises:
        ValueError: if any argument is outside [0, 1], or P(positive) is 0.
    """
    raise NotImplementedError


def beta_binomial_update(alpha, beta, heads, n):
    """Posterior of a Beta(alpha, beta) prior on p after ``heads`` successes in ``n`` trials.

    Returns:
        The pair (alpha + heads, beta + n - heads).

    Raises:
        ValueError: unless alpha > 0, beta > 0, n >= 0 and 0 <= heads <= n.
    """
    raise NotImplementedError


def posterior_mean(alpha, beta, heads, n):
    """Mean of that Beta posterior: (alpha + heads) / (alpha + beta + n).

    Three heads in three flips under a uniform prior (alpha = beta = 1) give
    0.8, where the MLE says 1.0.

    Returns:
        float.

    Raises:
        ValueError: unless alpha > 0, beta > 0, n >= 0 and 0 <= heads <= n.
    """
    raise NotImplementedError


def credible_interval(alpha, beta, mass=0.95):
    """The equal-tailed interval holding ``mass`` of Beta(alpha, beta).

    Each tail outside the interval holds (1 - mass) / 2.

    Returns:
        The pair (lo, hi).

    Raises:
        ValueError: unless 0 < mass < 1, alpha > 0 and beta > 0.
    """
    raise NotImplementedError


def grid_posterior(grid, prior, heads, n):
    """Posterior over a grid of p values for ``heads`` successes in ``n`` trials.

    posterior[i] is proportional to prior[i] * p_i^heads * (1 - p_i)^(n - heads),
    normalised to sum 1. It must stay finite and correct for n up to 1,000,000:
    work in logs. Use 0 * log(0) = 0, so a grid point p = 0 or p = 1 gets 0
    exactly where the data rule it out (a head at p = 0, a tail at p = 1).

    Args:
        grid: array of p values in [0, 1].
        prior: array of prior weights, same length; they need not sum to 1
            (only their ratios matter: the posterior is normalised).
        heads, n: the observed counts.

    Returns:
        A NumPy array of the same length, summing to 1.

    Raises:
        ValueError: if grid and prior differ in length, a grid value is
            outside [0, 1], or the posterior mass is 0.
    """
    raise NotImplementedError


def prob_greater_than(alpha, beta, heads, n, threshold):
    """P(p > threshold | data) under the Beta(alpha + heads, beta + n - heads) posterior.

    Exact, not sampled: the posterior's survival function at the threshold
    (judged to 1e-7 relative; a Monte Carlo estimate is off by about
    1/sqrt(samples)).

    Returns:
        float.

    Raises:
        ValueError: unless alpha > 0, beta > 0, n >= 0, 0 <= heads <= n and
            0 <= threshold <= 1.
    """
    raise NotImplementedError
