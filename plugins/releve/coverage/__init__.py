"""Coverage: who covers each procedure on each working day, and where nobody does."""

from .compute import Coverage, Risk, compute, load_of, single_points_of_failure, working_days

__all__ = ["Coverage", "Risk", "compute", "load_of", "single_points_of_failure", "working_days"]
