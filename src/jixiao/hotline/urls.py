"""URLs of the hotline pages (under /app/hotline/)."""

from django.urls import path

from jixiao.hotline.views import hotspots, settings, systems, taxonomy, tickets, units

app_name = "hotline"

urlpatterns = [
    path("", hotspots.hotspots, name="hotspots"),
    path("propose/", hotspots.propose, name="propose"),
    path("proposals/<int:pk>/<str:verdict>/", hotspots.decide, name="decide"),
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/<str:number>/", tickets.ticket_view, name="ticket"),
    path("ticket/<int:pk>/category/", tickets.ticket_category, name="ticket_category"),
    path("review/", tickets.review, name="review"),
    path("units/", units.unit_list, name="units"),
    path("units/<str:code>/", units.unit_view, name="unit"),
    path("settings/", settings.settings_view, name="settings"),
    path("settings/sla/", settings.set_sla, name="set_sla"),
    path("settings/routing/", settings.set_routing, name="set_routing"),
    path("settings/feed/<int:pk>/", settings.set_feed, name="set_feed"),
    path("settings/compute/<int:pk>/", settings.compute, name="compute"),
    path("settings/train/", settings.train, name="train"),
    path("settings/classify/", settings.classify, name="classify"),
    path("systems/", systems.systems, name="systems"),
    path("systems/<int:pk>/key/", systems.replace_key, name="system_key"),
    path("systems/<int:pk>/withdraw/", systems.withdraw, name="system_withdraw"),
    path("categories/", taxonomy.taxonomy, name="taxonomy"),
    path("categories/taxonomy.<str:fmt>", taxonomy.taxonomy_file, name="taxonomy_file"),
]
