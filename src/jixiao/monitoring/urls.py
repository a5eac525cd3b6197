"""URLs of progress monitoring (under /app/). The cycle's own pages come before ``<code>/<unit>/``, which would
take ``orders`` and ``escalation`` for units."""

from django.urls import path

from jixiao.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("monitoring/<str:code>/", views.overview, name="overview"),
    path("monitoring/<str:code>/warnings/", views.warnings, name="warnings"),
    path("monitoring/<str:code>/reporting/", views.reporting, name="reporting"),
    path("monitoring/<str:code>/dual/", views.dual_pair, name="dual_pair"),
    path("monitoring/warning/<int:pk>/answer/", views.answer, name="answer"),
    path("monitoring/warning/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("monitoring/<str:code>/orders/", views.orders, name="orders"),
    path("monitoring/order/<int:pk>/", views.order, name="order"),
    path("monitoring/order/<int:pk>/issue/", views.order_step, {"step": "issue"}, name="order_issue"),
    path("monitoring/order/<int:pk>/dismiss/", views.order_step, {"step": "dismiss"}, name="order_dismiss"),
    path("monitoring/order/<int:pk>/acknowledge/", views.order_step, {"step": "acknowledge"},
         name="order_acknowledge"),
    path("monitoring/order/<int:pk>/report/", views.order_step, {"step": "report"}, name="order_report"),
    path("monitoring/order/<int:pk>/submit/", views.order_step, {"step": "submit"}, name="order_submit"),
    path("monitoring/order/<int:pk>/recheck/", views.order_step, {"step": "recheck"}, name="order_recheck"),
    path("monitoring/order-file/<int:pk>/", views.order_file, name="order_file"),
    path("monitoring/<str:code>/escalation/", views.escalation, name="escalation"),
    path("monitoring/<str:code>/escalation/override/", views.escalation_override, name="escalation_override"),
    path("monitoring/escalation-step/<int:pk>/record/", views.escalation_record, name="escalation_record"),
    path("monitoring/escalation-file/<int:pk>/", views.escalation_file, name="escalation_file"),
    path("monitoring/<str:code>/<str:unit>/", views.unit, name="unit"),
    path("monitoring/<str:code>/<str:unit>/plan/", views.plan, name="plan"),
]
