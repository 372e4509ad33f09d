"""You returned prior × likelihood without dividing by the evidence. Those products are proportional to the posterior but do not sum to 1; divide them by their sum, P(data) = Σ prior·likelihood, to get probabilities."""
import numpy as np


def bayes_update(prior, likelihood):
    prior, likelihood = np.asarray(prior, dtype=float), np.asarray(likelihood, dtype=float)
    if prior.shape != likelihood.shape or np.any(prior < 0) or np.any(likelihood < 0):
        raise ValueError("bad input")
    if (prior * likelihood).sum() == 0:
        raise ValueError("evidence 0")
    return prior * likelihood
