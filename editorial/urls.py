from django.urls import re_path

from editorial import views

urlpatterns = [
    # Ids are bigints: a longer number would overflow the database's integer, not 404.
    re_path(r"^(?P<claim_id>[0-9]{1,18})/$", views.public_claim, name="fact-check"),
]
