"""The hotline's services, one module per concern: ``tickets`` (imports and pushes), ``systems`` (hotline systems
and their keys), ``taxonomy`` (the category tree), ``classify`` (categories for uncategorised tickets and the
review queue), ``routing`` (proposed responsible units), ``figures`` (rates into the cycle), ``proposals``
(weight proposals)."""
