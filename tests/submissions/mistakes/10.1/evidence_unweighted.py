"""Mistake: P(positive) without the prevalence weighing its two branches."""


def posterior_positive_test(prevalence, sensitivity, specificity):
    if not all(0 <= v <= 1 for v in (prevalence, sensitivity, specificity)):
        raise ValueError("not a probability")
    if sensitivity * prevalence + (1 - specificity) * (1 - prevalence) == 0:
        raise ValueError("P(positive) is 0")
    return sensitivity * prevalence / (sensitivity + (1 - specificity))
