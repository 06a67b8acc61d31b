from django.urls import path, re_path

from api import editorial_views as api

CLAIM = r"^claims/(?P<claim_id>[0-9]{1,18})/"
ARTICLE = r"^articles/(?P<article_id>[0-9]{1,18})/"

assignments = api.AssignmentViewSet.as_view({"get": "list", "post": "create"})
reviewers = api.ReviewerStatsView.as_view()

app_name = "editorial-api"
urlpatterns = [
    re_path(
        CLAIM + r"transition/$",
        api.TransitionViewSet.as_view({"post": "create"}),
        name="claim-transition",
    ),
    re_path(
        CLAIM + r"transitions/$",
        api.TransitionViewSet.as_view({"get": "list"}),
        name="claim-transitions",
    ),
    re_path(CLAIM + r"assignments/$", assignments, name="claim-assignments"),
    # The name for assigning: POST {"reviewers": [ids]}.
    re_path(
        CLAIM + r"assign/$",
        api.AssignmentViewSet.as_view({"post": "create"}),
        name="claim-assign",
    ),
    re_path(
        CLAIM + r"assignments/(?P<reviewer_id>[0-9]{1,18})/$",
        api.AssignmentViewSet.as_view({"delete": "destroy"}),
        name="claim-assignment",
    ),
    re_path(
        CLAIM + r"comments/$",
        api.CommentViewSet.as_view({"get": "list", "post": "create"}),
        name="claim-comments",
    ),
    re_path(
        CLAIM + r"publish/$",
        api.PublicationViewSet.as_view({"post": "publish"}),
        name="claim-publish",
    ),
    re_path(
        CLAIM + r"unpublish/$",
        api.PublicationViewSet.as_view({"post": "unpublish"}),
        name="claim-unpublish",
    ),
    re_path(
        CLAIM + r"claimreview/$",
        api.ClaimReviewViewSet.as_view({"get": "retrieve"}),
        name="claim-claimreview",
    ),
    re_path(
        ARTICLE + r"claimreview/$",
        api.ArticleClaimReviewView.as_view(),
        name="article-claimreview",
    ),
    re_path(ARTICLE + r"report/$", api.ArticleReportView.as_view(), name="article-report"),
    path("me/queue/", api.MyQueueView.as_view(), name="my-queue"),
    path("reviewers/", reviewers, name="reviewers"),
    path("reviewers/stats/", reviewers, name="reviewer-stats"),
]
