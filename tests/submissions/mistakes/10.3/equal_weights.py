"""Mistake: the prior mean and the sample mean weighed equally, whatever the precisions."""


def gaussian_mean_map(data, sigma, mu0, tau):
    data = np.asarray(data, dtype=float)
    if data.size == 0 or sigma <= 0 or tau <= 0:
        raise ValueError("bad")
    return float((mu0 + data.mean()) / 2)
