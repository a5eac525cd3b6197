"""``{% cell value %}``: one table cell (a link, a badge, a number to 2 decimals, a list of links)."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join

from jixiao.web.tables import Badge, Link

register = template.Library()


@register.simple_tag
def cell(value: Any) -> str:
    if isinstance(value, Link):
        return format_html('<a href="{}">{}</a>', value.href, cell(value.text))
    if isinstance(value, Badge):
        return format_html('<span class="badge {}">{}</span>', value.css, value.text)
    if isinstance(value, list | tuple):
        return format_html_join(" · ", "{}", ((cell(v),) for v in value))
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        return f"{value:,.2f}"
    if value is None:
        return ""
    return format_html("{}", value)
