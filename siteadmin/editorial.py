"""The admin for the editorial workflow.

Consensus, the transition log and publications are read-only here (their writes
belong to the services behind the API); assignments are added and removed, comments
corrected and deleted, through ``editorial.services``, and so is publishing. Every list reads
its related rows with ``select_related``: no query per row.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from claims import policies
from editorial.models import (
    Assignment,
    ClaimConsensus,
    ClaimTransition,
    Comment,
    Correction,
    CorrectionRequest,
    Publication,
    SiteText,
)
from editorial.selectors import assignment_list
from editorial.services.assignments import assignment_check, assignment_delete, claim_assign
from editorial.services.comments import MAX_COMMENT_CHARS, comment_delete, comment_update
from editorial.services.correction_requests import (
    correction_request_check,
    correction_request_handle,
)
from editorial.services.workflow import claim_publish, publish_check
from siteadmin.claims import ClaimArticleFilter, HistoryAdmin, adopt, claim_column, short
from siteadmin.permissions import PolicyAdmin, ReadOnlyAdmin


@admin.register(ClaimConsensus)
class ClaimConsensusAdmin(ReadOnlyAdmin):
    list_display = (claim_column, "state", "verdict", "agreement", "ratings_count", "updated_at")
    list_filter = ("state", "verdict", ClaimArticleFilter)
    search_fields = ("claim__quote",)
    list_select_related = ("claim",)


@admin.register(ClaimTransition)
class ClaimTransitionAdmin(ReadOnlyAdmin):
    list_display = (claim_column, "from_status", "to_status", "user", "note_short", "created_at")
    list_filter = ("to_status", "from_status", ClaimArticleFilter, "created_at")
    search_fields = ("claim__quote", "note", "user__username")
    date_hierarchy = "created_at"
    list_select_related = ("claim", "user")

    @admin.display(description="note")
    def note_short(self, obj: ClaimTransition) -> str:
        return short(obj.note, 40)


class CommentForm(forms.ModelForm):
    body = forms.CharField(
        max_length=MAX_COMMENT_CHARS, widget=forms.Textarea(attrs={"rows": 6, "cols": 80})
    )

    class Meta:
        model = Comment
        fields = ("body",)


@admin.register(Comment)
class CommentAdmin(HistoryAdmin):
    """Comments are posted on the claim page; here their authors and editors correct or
    delete them, through ``editorial.services.comments``."""

    def may_change(self, user: Any, obj: Comment | None) -> bool:
        return policies.is_reviewer(user) if obj is None else policies.can_change_comment(user, obj)

    may_delete = may_change

    form = CommentForm
    list_display = (claim_column, "author", "body_short", "created_at", "edited_at")
    list_filter = (ClaimArticleFilter, "created_at")
    search_fields = ("claim__quote", "body", "author__username")
    date_hierarchy = "created_at"
    list_select_related = ("claim", "author")
    fields = ("claim", "author", "body", "created_at", "edited_at")
    readonly_fields = ("claim", "author", "created_at", "edited_at")
    history_list_display = ("edited_at",)

    @admin.display(description="comment")
    def body_short(self, obj: Comment) -> str:
        return short(obj.body, 50)

    def save_model(self, request: HttpRequest, obj: Comment, form: Any, change: bool) -> None:
        if "body" in form.changed_data:
            stored = Comment.objects.get(pk=obj.pk)  # the service compares with what is stored
            adopt(obj, comment_update(comment=stored, user=request.user, body=obj.body))

    def delete_model(self, request: HttpRequest, obj: Comment) -> None:
        comment_delete(comment=obj, user=request.user)


class AssignmentForm(forms.ModelForm):
    """Assigning from the admin: the same checks as ``claim_assign``, as form errors."""

    user: Any = None  # set by the admin for the request

    class Meta:
        model = Assignment
        fields = ("claim", "reviewer")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        claim, reviewer = cleaned.get("claim"), cleaned.get("reviewer")
        if claim is None or reviewer is None:
            return cleaned
        try:
            assignment_check(claim=claim, reviewers=[reviewer], assigned_by=self.user)
        except ValidationError as error:
            self.add_error(None, error.messages)
        except PermissionDenied as error:
            self.add_error(None, str(error))
        return cleaned


@admin.register(Assignment)
class AssignmentAdmin(PolicyAdmin):
    def may_add(self, user: Any) -> bool:
        return policies.is_editor(user)

    def may_delete(self, user: Any, obj: Assignment | None) -> bool:
        return (
            policies.is_editor(user)
            if obj is None
            else policies.can_assign_reviewers(user, obj.claim)
        )

    list_display = (claim_column, "reviewer", "rated", "assigned_by", "assigned_at")
    list_filter = (ClaimArticleFilter, "assigned_at")
    search_fields = ("claim__quote", "reviewer__username", "reviewer__display_name")
    autocomplete_fields = ("claim", "reviewer")
    form = AssignmentForm

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        return assignment_list()

    def get_form(
        self, request: HttpRequest, obj: Assignment | None = None, change: bool = False, **kw: Any
    ) -> Any:
        form: Any = super().get_form(request, obj, change=change, **kw)
        form.user = request.user
        return form

    @admin.display(description="rated", boolean=True)
    def rated(self, obj: Assignment) -> bool:
        return obj.has_rated  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        (assignment,) = claim_assign(
            claim=obj.claim, reviewers=[obj.reviewer], assigned_by=request.user
        )
        adopt(obj, assignment)

    def delete_model(self, request: HttpRequest, obj: Assignment) -> None:
        assignment_delete(claim=obj.claim, reviewer=obj.reviewer, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Assignment]) -> None:
        for assignment in queryset:
            self.delete_model(request, assignment)


class PublishForm(forms.ModelForm):
    """Publishing from the admin: the same checks as ``claim_publish``, as form errors."""

    user: Any = None  # set by the admin for the request
    confirm_no_evidence = forms.BooleanField(
        label="Publish without evidence",
        required=False,
        help_text="Needed when the claim has no evidence and cites no source.",
    )

    class Meta:
        model = Publication
        fields = ("claim", "verdict", "rationale", "note", "confirm_no_evidence")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        claim = cleaned.get("claim")
        if claim is None or self.has_error("verdict") or self.has_error("rationale"):
            return cleaned
        try:
            publish_check(
                claim=claim,
                editor=self.user,
                verdict=cleaned["verdict"],
                rationale=cleaned["rationale"],
                note=cleaned.get("note") or "",
                confirm_no_evidence=cleaned.get("confirm_no_evidence", False),
            )
        except ValidationError as error:
            self.add_error(None, error)
        except PermissionDenied as error:
            self.add_error(None, str(error))
        return cleaned


@admin.register(Publication)
class PublicationAdmin(HistoryAdmin):
    """Published verdicts, each with its history; adding one publishes a ready claim."""

    list_display = (
        claim_column,
        "verdict",
        "overrides_consensus",
        "consensus_verdict",
        "published_by",
        "published_at",
    )
    list_filter = ("verdict", "overrides_consensus", ClaimArticleFilter, "published_at")
    search_fields = ("claim__quote", "rationale", "note")
    date_hierarchy = "published_at"
    list_select_related = ("claim", "published_by")
    autocomplete_fields = ("claim",)
    history_list_display = ("verdict", "overrides_consensus")
    form = PublishForm

    def get_form(
        self, request: HttpRequest, obj: Publication | None = None, change: bool = False, **kw: Any
    ) -> Any:
        form: Any = super().get_form(request, obj, change=change, **kw)
        form.user = request.user
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Publication | None = None) -> Any:
        if obj is None:
            return ()
        return (
            "claim",
            "verdict",
            "rationale",
            "note",
            "consensus_state",
            "consensus_verdict",
            "overrides_consensus",
            "published_by",
            "published_at",
            "first_published_at",
        )

    def get_fields(self, request: HttpRequest, obj: Publication | None = None) -> Any:
        return (
            ("claim", "verdict", "rationale", "note", "confirm_no_evidence")
            if obj is None
            else self.get_readonly_fields(request, obj)
        )

    # Published verdicts are not edited; unpublishing needs a note, so it is done on the
    # claim (the web UI, or POST /api/v1/claims/{id}/unpublish/), not by deleting here.
    def may_add(self, user: Any) -> bool:
        return policies.is_editor(user)

    def save_model(self, request: HttpRequest, obj: Publication, form: Any, change: bool) -> None:
        data = form.cleaned_data
        publication = claim_publish(
            claim=data["claim"],
            editor=request.user,
            verdict=data["verdict"],
            rationale=data["rationale"],
            note=data.get("note") or "",
            confirm_no_evidence=data.get("confirm_no_evidence", False),
        )
        adopt(obj, publication)


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    """Corrections are made by publishing again on a published claim (web UI or API)."""

    list_display = (
        "claim",
        "previous_verdict",
        "new_verdict",
        "note_short",
        "corrected_by",
        "corrected_at",
    )
    list_filter = ("new_verdict", ClaimArticleFilter, "corrected_at")
    search_fields = ("claim__quote", "note")
    date_hierarchy = "corrected_at"
    list_select_related = ("claim", "corrected_by")

    @admin.display(description="note")
    def note_short(self, obj: Correction) -> str:
        return short(obj.note, 80)


class CorrectionRequestForm(forms.ModelForm):
    """Handling a report from the admin: the same checks as ``correction_request_handle``."""

    user: Any = None  # set by the admin for the request

    class Meta:
        model = CorrectionRequest
        fields = ("status", "response")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.has_error("status"):
            return cleaned
        try:
            correction_request_check(
                correction_request=self.instance,
                editor=self.user,
                status=cleaned.get("status"),
                response=cleaned.get("response") or "",
            )
        except ValidationError as error:
            self.add_error(None, error)
        except PermissionDenied as error:
            self.add_error(None, str(error))
        return cleaned


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(PolicyAdmin):
    """Readers' reports of errors; editors answer, resolve or dismiss them here too."""

    list_display = ("claim", "message_short", "status", "created_at", "handled_by", "handled_at")
    list_filter = ("status", ClaimArticleFilter, "created_at")
    search_fields = ("claim__quote", "message", "name", "email", "response")
    date_hierarchy = "created_at"
    list_select_related = ("claim", "handled_by")
    readonly_fields = (
        "claim",
        "message",
        "name",
        "email",
        "correction",
        "handled_by",
        "handled_at",
        "created_at",
    )
    fields = (*readonly_fields[:4], "status", "response", *readonly_fields[4:])
    form = CorrectionRequestForm

    def get_form(
        self,
        request: HttpRequest,
        obj: CorrectionRequest | None = None,
        change: bool = False,
        **kw: Any,
    ) -> Any:
        form: Any = super().get_form(request, obj, change=change, **kw)
        form.user = request.user
        return form

    def may_view(self, user: Any) -> bool:
        return policies.can_handle_correction_requests(user)

    def may_change(self, user: Any, obj: Any) -> bool:
        return policies.can_handle_correction_requests(user)

    @admin.display(description="message")
    def message_short(self, obj: CorrectionRequest) -> str:
        return short(obj.message, 80)

    def save_model(
        self, request: HttpRequest, obj: CorrectionRequest, form: Any, change: bool
    ) -> None:
        correction_request_handle(
            correction_request=obj,
            editor=request.user,
            status=form.cleaned_data["status"],
            response=form.cleaned_data.get("response") or "",
        )


@admin.register(SiteText)
class SiteTextAdmin(PolicyAdmin):
    """The editors' own words on public pages (the methodology), in plain paragraphs."""

    list_display = ("page", "updated_at")

    def may_add(self, user: Any) -> bool:
        return policies.is_editor(user)

    def may_change(self, user: Any, obj: Any) -> bool:
        return policies.is_editor(user)
