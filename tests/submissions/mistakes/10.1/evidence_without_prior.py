"""Mistake: the evidence is the sum of the likelihoods alone, so the posterior does not sum to 1."""


def bayes_update(prior, likelihood):
    prior, likelihood = np.asarray(prior, dtype=float), np.asarray(likelihood, dtype=float)
    if prior.shape != likelihood.shape or np.any(prior < 0) or np.any(likelihood < 0):
        raise ValueError("bad input")
    if np.sum(prior * likelihood) == 0:
        raise ValueError("the evidence is 0")
    return prior * likelihood / np.sum(likelihood)
