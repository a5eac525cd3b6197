from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    """Using the results (结果运用): bonus pools, budgets, honours, the reserve pool, the unqualified list and PART
    ratings as proposals the office confirms; weight proposals; fairness checks; the annual report."""

    name = "jixiao.outcomes"
    label = "outcomes"
    verbose_name = _("Using the results")
