from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The public transparency portal (公示门户): published cycles only, no account needed."""

    name = "jixiao.portal"
    label = "portal"
