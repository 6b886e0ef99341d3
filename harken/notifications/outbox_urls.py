from django.urls import path

from . import outbox_views

app_name = "outbox"
urlpatterns = [
    path("not-sent/", outbox_views.not_sent, name="not_sent"),
    path("<int:pk>/send-again/", outbox_views.send_again, name="send_again"),
    path("<int:pk>/posted/", outbox_views.posted, name="posted"),
    path("cases/<str:reference>/send/", outbox_views.send, name="send"),
    path("cases/<str:reference>/", outbox_views.case_messages, name="case_messages"),
    path("texts-received/", outbox_views.texts_received, name="texts_received"),
]
