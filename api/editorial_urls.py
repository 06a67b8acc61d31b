from django.urls import path

from api import editorial_views as api

CLAIM = "claims/<id:claim_id>/"
ARTICLE = "articles/<id:article_id>/"

assignments = api.AssignmentViewSet.as_view({"get": "list", "post": "create"})
reviewers = api.ReviewerStatsView.as_view()

app_name = "editorial-api"
urlpatterns = [
    path(
        CLAIM + "transition/",
        api.TransitionViewSet.as_view({"post": "create"}),
        name="claim-transition",
    ),
    path(
        CLAIM + "transitions/",
        api.TransitionViewSet.as_view({"get": "list"}),
        name="claim-transitions",
    ),
    path(CLAIM + "assignments/", assignments, name="claim-assignments"),
    # The name for assigning: POST {"reviewers": [ids]}.
    path(
        CLAIM + "assign/",
        api.AssignmentViewSet.as_view({"post": "create"}),
        name="claim-assign",
    ),
    path(
        CLAIM + "assignments/<id:reviewer_id>/",
        api.AssignmentViewSet.as_view({"delete": "destroy"}),
        name="claim-assignment",
    ),
    path(
        CLAIM + "comments/",
        api.CommentViewSet.as_view({"get": "list", "post": "create"}),
        name="claim-comments",
    ),
    path(
        CLAIM + "comments/<id:pk>/",
        api.CommentViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="claim-comment",
    ),
    path(
        CLAIM + "publish/",
        api.PublicationViewSet.as_view({"post": "publish"}),
        name="claim-publish",
    ),
    path(
        CLAIM + "unpublish/",
        api.PublicationViewSet.as_view({"post": "unpublish"}),
        name="claim-unpublish",
    ),
    path(
        CLAIM + "claimreview/",
        api.ClaimReviewViewSet.as_view({"get": "retrieve"}),
        name="claim-claimreview",
    ),
    path(
        ARTICLE + "claimreview/",
        api.ArticleClaimReviewView.as_view(),
        name="article-claimreview",
    ),
    path(ARTICLE + "report/", api.ArticleReportView.as_view(), name="article-report"),
    path("me/queue/", api.MyQueueView.as_view(), name="my-queue"),
    path(
        "correction-requests/",
        api.CorrectionRequestListView.as_view(),
        name="correction-requests",
    ),
    path(
        "correction-requests/<id:request_id>/",
        api.CorrectionRequestDetailView.as_view(),
        name="correction-request",
    ),
    path("reviewers/", reviewers, name="reviewers"),
    path("reviewers/stats/", reviewers, name="reviewer-stats"),
]
