def binomial_mle(heads, n):
    return heads / n

def gaussian_mle(data)
    return 0, 1
