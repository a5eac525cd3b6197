"""Words of three-party checks (三方制衡)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemState(models.TextChoices):
    """Where a sampled item stands: self-reported (单位自评) -> finance reviewed (财政复核) -> verified by the
    third party (第三方核查) -> the verified value applied."""

    SAMPLED = "sampled", _("awaiting finance review")
    REVIEWED = "reviewed", _("awaiting verification")
    VERIFIED = "verified", _("verified")
    APPLIED = "applied", _("verified value applied")


#: The transitions of an item: for each step, the states it starts from (the one table of the state machine).
#: A finance review may be given again until the third party verified; a verification corrected until applied.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "review": (ItemState.SAMPLED, ItemState.REVIEWED),
    "verify": (ItemState.REVIEWED, ItemState.VERIFIED),
    "apply": (ItemState.VERIFIED,),
}

#: The states in which a unit sees its own items (after the third party verified them).
UNIT_VISIBLE = (ItemState.VERIFIED, ItemState.APPLIED)


class Finance(models.TextChoices):
    """The finance review's (财政复核) conclusion."""

    AGREES = "agrees", _("agrees with the unit")
    ADJUSTED = "adjusted", _("gives a reviewed value")


class Method(models.TextChoices):
    """How the third party verified a value."""

    UNANNOUNCED = "unannounced", _("unannounced visit (暗访)")
    ON_SITE = "on_site", _("on-site inspection (实地核查)")
    LEDGER = "ledger", _("ledger sampling (抽查台账)")
    SYSTEM = "system", _("business system records (系统数据比对)")
    SURVEY = "survey", _("survey of the served (回访调查)")
