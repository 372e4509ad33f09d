"""You returned the weights exp(log posterior − its maximum) without normalising them: they are proportional to the posterior (the best grid point gets 1) but do not sum to 1. Divide them by their sum."""
import numpy as np
from scipy import special


def grid_posterior(grid, prior, heads, n):
    grid, prior = np.asarray(grid, dtype=float), np.asarray(prior, dtype=float)
    if grid.shape != prior.shape or np.any((grid < 0) | (grid > 1)):
        raise ValueError("bad input")
    with np.errstate(divide="ignore"):
        log_post = np.log(prior) + special.xlogy(heads, grid) + special.xlog1py(n - heads, -grid)
    if not np.any(np.isfinite(log_post)):
        raise ValueError("the posterior mass is 0")
    return np.exp(log_post - log_post.max())
