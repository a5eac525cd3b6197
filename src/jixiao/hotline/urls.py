"""URLs of the hotline pages (under /app/)."""

from django.urls import path

from jixiao.hotline.views import hotspots, settings, tickets, units

app_name = "hotline"

urlpatterns = [
    path("hotline/", hotspots.hotspots, name="hotspots"),
    path("hotline/propose/", hotspots.propose, name="propose"),
    path("hotline/proposals/<int:pk>/<str:verdict>/", hotspots.decide, name="decide"),
    path("hotline/tickets/", tickets.ticket_list, name="tickets"),
    path("hotline/tickets/<str:number>/", tickets.ticket_view, name="ticket"),
    path("hotline/ticket/<int:pk>/category/", tickets.ticket_category, name="ticket_category"),
    path("hotline/review/", tickets.review, name="review"),
    path("hotline/units/", units.unit_list, name="units"),
    path("hotline/units/<str:code>/", units.unit_view, name="unit"),
    path("hotline/settings/", settings.settings_view, name="settings"),
    path("hotline/settings/sla/", settings.set_sla, name="set_sla"),
    path("hotline/settings/routing/", settings.set_routing, name="set_routing"),
    path("hotline/settings/feed/<int:pk>/", settings.set_feed, name="set_feed"),
    path("hotline/settings/compute/<int:pk>/", settings.compute, name="compute"),
    path("hotline/settings/train/", settings.train, name="train"),
    path("hotline/settings/classify/", settings.classify, name="classify"),
]
