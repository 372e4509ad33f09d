"""You returned the sensitivity, P(positive | condition), where the question is P(condition | positive). The two are different conditional probabilities (confusing them is the prosecutor's fallacy); Bayes' rule turns one into the other using the prevalence."""


def posterior_positive_test(prevalence, sensitivity, specificity):
    if not all(0 <= v <= 1 for v in (prevalence, sensitivity, specificity)):
        raise ValueError("bad probability")
    if sensitivity * prevalence + (1 - specificity) * (1 - prevalence) == 0:
        raise ValueError("P(positive) is 0")
    return sensitivity
