"""Using the results, one module per concern: ``common`` (a cycle's results and the years before it, files),
``plans`` (allocations: propose, confirm, withdraw), ``improvement`` (units' improvement plans), ``files`` (project
budgets and earlier years' results imported), ``weights`` (AHP, entropy and CRITIC proposals), ``fairness`` (the
checks) and ``report`` (the annual report's content)."""
