"""URLs of the hotline's pages (under /app/hotline/)."""

from django.urls import path

from jixiao.hotline.views import systems, taxonomy

app_name = "hotline"

urlpatterns = [
    path("systems/", systems.systems, name="systems"),
    path("systems/<int:pk>/key/", systems.replace_key, name="system_key"),
    path("systems/<int:pk>/withdraw/", systems.withdraw, name="system_withdraw"),
    path("categories/", taxonomy.taxonomy, name="taxonomy"),
    path("categories/taxonomy.<str:fmt>", taxonomy.taxonomy_file, name="taxonomy_file"),
]
