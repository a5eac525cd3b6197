"""Pages of using the results: ``plans`` (a cycle's allocations, proposing, confirming, exporting, improvement
plans), ``weights`` (weight proposals), ``fairness`` (the checks), ``report`` (the annual report) and ``history``
(earlier years' results)."""
