from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """What follows the machine score (机器评分): the office's review (人工复核), publicity (公示) with appeals
    (申诉) and hearings (听证), and the final publication (定稿)."""

    name = "jixiao.review"
    label = "review"
    verbose_name = _("Review and appeals")
