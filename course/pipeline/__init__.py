"""The instructor pipeline, built on nbgrader's own commands and gradebook."""
