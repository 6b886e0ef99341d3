from django.urls import path

from . import notify_views

app_name = "notify"
urlpatterns = [
    path("delivery-receipts/", notify_views.delivery_receipt, name="delivery_receipts"),
    path("received-texts/", notify_views.inbound_text, name="received_texts"),
]
