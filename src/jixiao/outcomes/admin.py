"""Using the results has no models in the admin site: every record is on the app's pages (a cycle's allocations,
improvement plans, project budgets, earlier results, weight proposals), and every change goes through their
services, which audit it."""
