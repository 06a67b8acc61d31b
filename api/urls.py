from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api import archive_views, link_views, memory_views, views

# Path converters, not regular expressions: ids are matched by ``<id:...>`` as everywhere.
router = DefaultRouter(use_regex_path=False)
# URLs are matched in order: the busiest list first.
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("sources", views.SourceViewSet, basename="source")
router.register("claimants", views.ClaimantViewSet, basename="claimant")
router.register("claims/<id:claim_id>/evidence", views.EvidenceViewSet, basename="claim-evidence")
router.register("claims/<id:claim_id>/ratings", views.RatingViewSet, basename="claim-rating")

my_rating = views.MyRatingViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"})

app_name = "api"
urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("claims/<id:claim_id>/my-rating/", my_rating, name="claim-my-rating"),
    path(
        "claims/<id:claim_id>/similar/",
        memory_views.SimilarClaimsView.as_view(),
        name="claim-similar",
    ),
    path(
        "sources/<id:source_id>/snapshots/",
        archive_views.SourceSnapshotList.as_view(),
        name="source-snapshots",
    ),
    path(
        "claims/<id:claim_id>/evidence/<id:evidence_id>/snapshots/",
        archive_views.EvidenceSnapshotList.as_view(),
        name="evidence-snapshots",
    ),
    path(
        "snapshots/<id:snapshot_id>/",
        archive_views.SnapshotDetail.as_view(),
        name="snapshot-detail",
    ),
    path(
        "snapshots/<id:snapshot_id>/warc/",
        archive_views.SnapshotWARC.as_view(),
        name="snapshot-warc",
    ),
    path("claims/<id:claim_id>/links/", link_views.ClaimLinksView.as_view(), name="claim-links"),
    path(
        "claims/<id:claim_id>/links/<id:other_id>/",
        link_views.ClaimLinkView.as_view(),
        name="claim-link",
    ),
    path("", include(router.urls)),
]
