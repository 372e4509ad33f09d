"""You left the prevalence out: sensitivity / (sensitivity + 1 − specificity) is the answer only when half of everyone has the condition. This is base-rate neglect. For a rare condition most positives are false: weigh each branch by its prior, P(+|C)·P(C) / (P(+|C)·P(C) + P(+|not C)·P(not C))."""


def posterior_positive_test(prevalence, sensitivity, specificity):
    if not all(0 <= v <= 1 for v in (prevalence, sensitivity, specificity)):
        raise ValueError("bad probability")
    if sensitivity * prevalence + (1 - specificity) * (1 - prevalence) == 0:
        raise ValueError("P(positive) is 0")
    return sensitivity / (sensitivity + 1 - specificity)
