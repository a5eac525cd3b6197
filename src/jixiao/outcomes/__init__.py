"""Using the results (结果运用): allocations, weight proposals, fairness checks and the annual report."""
