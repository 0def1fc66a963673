"""The `releve` command line: a thin adapter over the model and its views."""
