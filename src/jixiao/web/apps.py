from django.apps import AppConfig


class WebConfig(AppConfig):
    """The signed-in web interface (网页端)."""

    name = "jixiao.web"
    label = "web"
