"""QA a mastering engineer would sign: each check has a value, a bound, a verdict and a sentence."""
