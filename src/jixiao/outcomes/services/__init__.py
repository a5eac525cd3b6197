"""Using the results, one module per concern: ``common`` (a cycle's results and the years before it, files),
``plans`` (allocations: propose, confirm, withdraw), ``improvement`` (units' improvement plans), ``files`` (project
budgets and earlier years' results imported) and ``weights`` (AHP, entropy and CRITIC proposals). What the pages
and the report show is in ``jixiao.outcomes.reports``."""
