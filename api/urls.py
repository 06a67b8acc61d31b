from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter()
# URLs are matched in order: the busiest list first.
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("sources", views.SourceViewSet, basename="source")
router.register(
    r"claims/(?P<claim_id>[0-9]{1,18})/evidence", views.EvidenceViewSet, basename="claim-evidence"
)
router.register(
    r"claims/(?P<claim_id>[0-9]{1,18})/ratings", views.RatingViewSet, basename="claim-rating"
)

my_rating = views.MyRatingViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"})

app_name = "api"
urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    re_path(r"^claims/(?P<claim_id>[0-9]{1,18})/my-rating/$", my_rating, name="claim-my-rating"),
    path("", include(router.urls)),
]
