"""Kata 10.3: MAP estimation.

Fill in each function below, then run ``kata check 10.3``. The lesson is in
README.md beside this file. You may use NumPy, SciPy and the standard library.
"""

import numpy as np


def binomial_map(heads, n, alpha, beta):
    """MAP estimate of p: the mode of the Beta(alpha + heads, beta + n - heads) posterior.

        (heads + alpha - 1) / (n + alpha + beta - 2)

    With alpha = beta = 1 (a uniform prior) it equals the MLE, heads / n.

    Returns:
        float.

    Raises:
        ValueError: unless alpha >= 1, beta >= 1, n >= 1 and 0 <= heads <= n.
    """
    raise NotImplementedError


def gaussian_mean_map(data, sigma, mu0, tau):
    """MAP estimate (= posterior mean) of mu for Gaussian data with known ``sigma``.

    The prior on mu is N(mu0, tau²):

        (mu0 / tau² + sum(data) / sigma²) / (1 / tau² + n / sigma²)

    Returns:
        float.

    Raises:
        ValueError: for empty data, sigma <= 0 or tau <= 0.
    """
    raise NotImplementedError


def ridge_map(X, y, sigma, tau):
    """MAP weights for y = X w + N(0, sigma²) noise with a N(0, tau² I) prior on w.

        w = (XᵀX + (sigma² / tau²) I)⁻¹ Xᵀy

    It is the minimiser of ||y - X w||² / (2 sigma²) + ||w||² / (2 tau²), the
    negative log-posterior: solve the linear system (np.linalg.solve) or
    minimise it numerically.

    Args:
        X: an n × d array (a 1-D X is one column). No intercept is added.
        y: an array of n targets.

    Returns:
        A 1-D NumPy array of the d weights, whose negative log-posterior is
        within 0.001 of its minimum (judged like a fit, not by its digits).

    Raises:
        ValueError: if the rows of X and the length of y differ, sigma <= 0 or tau <= 0.
    """
    raise NotImplementedError


def logistic_neg_log_posterior(params, X, y, tau):
    """Negative log-posterior of logistic regression with a N(0, tau²) prior on w.

    For params = (w, b) and z = w * x + b: the logistic NLL of kata 10.2,
    summed, plus w² / (2 tau²). The prior is on w only (b is not penalised);
    no normalising constant. Stable for |z| up to 1000.

    Args:
        params: (w, b).
        X: a 1-D array or an n × 1 column.
        y: an array of 0/1 labels.

    Returns:
        float.

    Raises:
        ValueError: if X and y differ in length, or tau <= 0.
    """
    raise NotImplementedError


def fit_logistic_map(X, y, tau):
    """(w, b) minimising ``logistic_neg_log_posterior``.

    Finite even when the data are perfectly separable (where the MLE does not
    exist). The inputs always hold both labels.

    Args:
        X: a 1-D NumPy array of inputs, on any scale (X need not be near 0;
            n may be in the hundreds).
        y: a 1-D NumPy array of 0/1 labels.
        tau: the prior's scale on w.

    Returns:
        The pair (w, b), whose negative log-posterior is within 0.001 of its
        minimum (a fit is judged by the objective it reaches, not by its digits).

    Raises:
        ValueError: if X and y differ in length, or tau <= 0.
    """
    raise NotImplementedError
