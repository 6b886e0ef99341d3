from django.urls import path

from . import outbox_views

app_name = "outbox"
urlpatterns = [
    path("not-sent/", outbox_views.not_sent, name="not_sent"),
    path("<int:pk>/send-again/", outbox_views.send_again, name="send_again"),
]
