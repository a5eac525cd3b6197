from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    """Multi-party evaluation (多元评价): rating campaigns with assigned raters and invitation links, the rating
    forms, democratic appraisal (民主测评), anonymity of raters, and rater quality."""

    name = "jixiao.ratings"
    label = "ratings"
    verbose_name = _("Ratings")
