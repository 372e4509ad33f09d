"""You took logs with np.log, so at the ends of the grid a term is 0 · ln 0: with no heads, heads · ln(p) at p = 0 is 0 · (−inf) = nan (and with no tails, at p = 1), and one nan makes the maximum and then every weight nan. Probability theory says 0 · ln 0 = 0: use scipy.special.xlogy(heads, grid) and xlog1py(n − heads, −grid), which follow that rule (or leave out a term whose count is 0)."""
import numpy as np


def grid_posterior(grid, prior, heads, n):
    grid, prior = np.asarray(grid, dtype=float), np.asarray(prior, dtype=float)
    if grid.shape != prior.shape or np.any((grid < 0) | (grid > 1)):
        raise ValueError("bad input")
    with np.errstate(all="ignore"):
        log_post = np.log(prior) + heads * np.log(grid) + (n - heads) * np.log(1 - grid)
        if not np.any(np.isfinite(log_post)):
            raise ValueError("the posterior mass is 0")
        weights = np.exp(log_post - np.max(log_post))
        return weights / weights.sum()
