"""Kata 10.1 in plain Python: loops, the math module, lists; scipy only for the Beta quantiles."""
import math

import numpy as np
from scipy.stats import beta as beta_dist


def bayes_update(prior, likelihood):
    if len(prior) != len(likelihood):
        raise ValueError("lengths differ")
    products = []
    for p, l in zip(prior, likelihood):
        if p < 0 or l < 0:
            raise ValueError("negative")
        products.append(p * l)
    total = sum(products)
    if total == 0:
        raise ValueError("evidence is zero")
    return np.array([x / total for x in products])


def posterior_positive_test(prevalence, sensitivity, specificity):
    for value in (prevalence, sensitivity, specificity):
        if value < 0 or value > 1:
            raise ValueError("not a probability")
    p_positive = sensitivity * prevalence + (1 - specificity) * (1 - prevalence)
    if p_positive == 0:
        raise ValueError("no positives possible")
    return sensitivity * prevalence / p_positive


def _validate(alpha, beta, heads, n):
    if alpha <= 0 or beta <= 0 or n < 0 or heads < 0 or heads > n:
        raise ValueError("invalid")


def beta_binomial_update(alpha, beta, heads, n):
    _validate(alpha, beta, heads, n)
    return [alpha + heads, beta + (n - heads)]


def posterior_mean(alpha, beta, heads, n):
    a, b = beta_binomial_update(alpha, beta, heads, n)
    return a / (a + b)


def credible_interval(alpha, beta, mass=0.95):
    if not 0 < mass < 1 or alpha <= 0 or beta <= 0:
        raise ValueError("invalid")
    lo, hi = beta_dist.interval(mass, alpha, beta)
    return lo, hi


def grid_posterior(grid, prior, heads, n):
    if len(grid) != len(prior):
        raise ValueError("lengths differ")
    logs = []
    for p, w in zip(grid, prior):
        if p < 0 or p > 1:
            raise ValueError("grid value outside [0, 1]")
        if w == 0 or (p == 0 and heads > 0) or (p == 1 and heads < n):
            logs.append(-math.inf)
            continue
        value = math.log(w)
        if heads:
            value += heads * math.log(p)
        if n - heads:
            value += (n - heads) * math.log(1 - p)
        logs.append(value)
    top = max(logs)
    if top == -math.inf:
        raise ValueError("posterior mass is zero")
    weights = [math.exp(v - top) for v in logs]
    total = sum(weights)
    return np.array([w / total for w in weights])


def prob_greater_than(alpha, beta, heads, n, threshold):
    _validate(alpha, beta, heads, n)
    if not 0 <= threshold <= 1:
        raise ValueError("threshold outside [0, 1]")
    a, b = alpha + heads, beta + n - heads
    return 1 - beta_dist.cdf(threshold, a, b)
