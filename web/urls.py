from django.contrib.auth import views as auth_views
from django.urls import path

from web.views import (
    archives,
    articles,
    claimants,
    claims,
    corrections,
    dashboard,
    editorial,
    live,
    notifications,
    report,
    revisions,
    signin,
    sources,
)

app_name = "web"

auth_urlpatterns = [
    path("signin/", signin.SignInView.as_view(), name="login"),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
]

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("articles/import/", articles.article_import_page, name="import"),
    path("articles/<id:article_id>/", articles.article_reader, name="article"),
    path(
        "articles/<id:article_id>/import-status/",
        articles.article_import_status,
        name="article-import-status",
    ),
    path("articles/<id:article_id>/report/", report.article_report_page, name="article-report"),
    path("articles/<id:article_id>/sources/", articles.sources_state, name="sources-state"),
    path("articles/<id:article_id>/live/", live.article_live, name="article-live"),
    path("articles/<id:article_id>/status/", articles.article_status, name="article-status"),
    path("articles/<id:article_id>/details/", corrections.article_details, name="article-details"),
    path("articles/<id:article_id>/claims/new/", articles.claim_create_page, name="claim-new"),
    path(
        "articles/<id:article_id>/suggestions/dismiss/",
        articles.suggestion_dismiss_view,
        name="suggestion-dismiss",
    ),
    path("articles/<id:article_id>/revisions/", revisions.revision_add, name="revision-add"),
    path(
        "articles/<id:article_id>/revisions/check/",
        revisions.revision_check,
        name="revision-check",
    ),
    path(
        "articles/<id:article_id>/revisions/<int:number>/diff/",
        revisions.revision_diff,
        name="revision-diff",
    ),
    path(
        "articles/<id:article_id>/orphans/<id:claim_id>/accept/",
        revisions.orphan_accept_view,
        name="orphan-accept",
    ),
    path(
        "articles/<id:article_id>/orphans/<id:claim_id>/dismiss/",
        revisions.orphan_dismiss_view,
        name="orphan-dismiss",
    ),
    path("sources/<id:source_id>/url/", sources.source_url, name="source-url"),
    path("sources/<id:source_id>/fetch/", sources.source_fetch, name="source-fetch"),
    path("snapshots/<id:snapshot_id>/", archives.snapshot_page, name="snapshot"),
    path(
        "snapshots/<id:snapshot_id>/original/",
        archives.snapshot_original,
        name="snapshot-original",
    ),
    path("snapshots/<id:snapshot_id>/warc/", archives.snapshot_warc, name="snapshot-warc"),
    path("claims/", claims.claim_search, name="claims"),
    path("claims/<id:claim_id>/", claims.claim_page, name="claim"),
    path("claims/<id:claim_id>/live/", live.claim_live, name="claim-live"),
    path("claims/<id:claim_id>/evidence/", claims.evidence_add, name="evidence-add"),
    path("claims/<id:claim_id>/evidence/state/", claims.evidence_state, name="evidence-state"),
    path("claims/<id:claim_id>/rating/", claims.rating_save, name="rating"),
    path("claims/<id:claim_id>/edit/", corrections.claim_edit, name="claim-edit"),
    path("claims/<id:claim_id>/passage/", corrections.claim_span, name="claim-span"),
    path("claims/<id:claim_id>/delete/", corrections.claim_remove, name="claim-delete"),
    path(
        "claims/<id:claim_id>/evidence/<id:evidence_id>/edit/",
        corrections.evidence_edit,
        name="evidence-edit",
    ),
    path(
        "claims/<id:claim_id>/evidence/<id:evidence_id>/delete/",
        corrections.evidence_remove,
        name="evidence-delete",
    ),
    path(
        "claims/<id:claim_id>/rating/withdraw/", corrections.rating_remove, name="rating-withdraw"
    ),
    path(
        "claims/<id:claim_id>/comments/<id:comment_id>/edit/",
        corrections.comment_edit,
        name="comment-edit",
    ),
    path(
        "claims/<id:claim_id>/comments/<id:comment_id>/delete/",
        corrections.comment_remove,
        name="comment-delete",
    ),
    path("claims/<id:claim_id>/move/", editorial.claim_move, name="claim-move"),
    path("claims/<id:claim_id>/links/", editorial.claim_link_view, name="claim-link"),
    path(
        "claims/<id:claim_id>/links/<id:other_id>/delete/",
        editorial.claim_unlink_view,
        name="claim-unlink",
    ),
    path("claims/<id:claim_id>/publish/", editorial.claim_publish_view, name="claim-publish"),
    path("claims/<id:claim_id>/unpublish/", editorial.claim_unpublish_view, name="claim-unpublish"),
    path("claims/<id:claim_id>/assign/", editorial.claim_assign_view, name="claim-assign"),
    path("claims/<id:claim_id>/comments/", editorial.comment_add, name="comment-add"),
    path(
        "claims/<id:claim_id>/reports/<id:request_id>/",
        editorial.correction_request_view,
        name="correction-request",
    ),
    path(
        "claims/<id:claim_id>/description/",
        claimants.claim_describe_view,
        name="claim-describe",
    ),
    path("notifications/", notifications.inbox_page, name="notifications"),
    path(
        "notifications/<id:notification_id>/read/",
        notifications.notification_read,
        name="notification-read",
    ),
    path(
        "notifications/read-all/",
        notifications.notifications_read_all,
        name="notifications-read-all",
    ),
    path(
        "notifications/preferences/",
        notifications.preferences_page,
        name="notification-preferences",
    ),
    path("people/mentions/", notifications.mention_options, name="mention-options"),
    path("claimants/", claimants.claimant_list, name="claimants"),
    path("claimants/options/", claimants.claimant_options, name="claimant-options"),
    path("claimants/<id:claimant_id>/", claimants.claimant_page, name="claimant"),
]
