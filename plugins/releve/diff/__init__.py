"""`releve diff`: what a change does to the runbook, compared through the model."""
