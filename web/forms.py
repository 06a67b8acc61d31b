"""Forms parse what the browser sends; the services decide what is allowed."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from claims.models import (
    Article,
    ArticleStatus,
    ClaimKind,
    ClaimStatus,
    Confidence,
    Source,
    Stance,
    Verdict,
)
from claims.url_rules import MAX_URL_LENGTH
from texts.textnorm import is_blank
from web.selectors import eligible_reviewers

FORMAT_CHOICES = [
    ("", "Detect it"),
    ("markdown", "Markdown"),
    ("html", "HTML"),
    ("text", "Plain text"),
]
MAX_OFFSET = 2**31 - 1


class IdPrefixed(forms.Form):
    """Several forms share the claim page: each gives its inputs ids of its own."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` next to the fields it names (else on top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class ImportTextForm(forms.Form):
    content = forms.CharField(
        label="Article",
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        strip=False,
        help_text="Paste Markdown, HTML or plain text. Links become the article's sources.",
    )
    source_format = forms.ChoiceField(label="Format", choices=FORMAT_CHOICES, required=False)
    title = forms.CharField(
        max_length=300, required=False, help_text="Leave empty to take the first heading."
    )
    force = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label="File", help_text="A .md, .html or .txt file, UTF-8, at most the import size limit."
    )
    source_format = forms.ChoiceField(label="Format", choices=FORMAT_CHOICES, required=False)
    title = forms.CharField(max_length=300, required=False)
    force = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # A file already sent, its bytes in base64 (exact: no line ending changes on the way):
    # the page that says it was imported before sends it back with "Import it again
    # anyway", since a browser cannot fill in a file input.
    kept_file = forms.CharField(required=False, widget=forms.HiddenInput)
    kept_name = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.data.get("kept_file"):
            self.fields["file"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kept, data["kept_file"] = data.get("kept_file"), None
        if data.get("file"):  # a file chosen again wins over the one kept
            data["kept_name"] = ""
        elif kept:
            try:
                data["kept_file"] = base64.b64decode(kept, validate=True)
            except binascii.Error:
                self.add_error(
                    "file", "The file sent before did not come back whole; choose it again."
                )
        return data


class ImportUrlForm(forms.Form):
    url = forms.CharField(
        label="Address of the article",
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="A worker fetches the page and keeps its main text and links.",
    )
    title = forms.CharField(max_length=300, required=False)
    force = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ClaimCreateForm(IdPrefixed):
    id_prefix = "claim"

    quote = forms.CharField(
        label="Passage",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}),
        help_text="Select it in the article, or type or paste it exactly as it stands.",
    )
    start = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_OFFSET, widget=forms.HiddenInput
    )
    end = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_OFFSET, widget=forms.HiddenInput
    )
    kind = forms.ChoiceField(
        choices=ClaimKind.choices, initial=ClaimKind.FACTUAL, widget=forms.RadioSelect
    )
    sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Sources it relies on",
    )

    def __init__(self, *args: Any, article: Article, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = self.fields["sources"]
        assert isinstance(sources, forms.ModelMultipleChoiceField)
        sources.queryset = article.sources.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_offsets = data.get("start") is not None and data.get("end") is not None
        if not has_offsets and is_blank(data.get("quote") or ""):
            raise ValidationError("Select a passage in the article, or type it.", code="empty")
        return data


class ArticleStatusForm(forms.Form):
    status = forms.ChoiceField(label="Article status", choices=ArticleStatus.choices)


class SourceUrlForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )


class EvidenceForm(IdPrefixed):
    id_prefix = "evidence"

    stance = forms.ChoiceField(choices=Stance.choices, widget=forms.RadioSelect)
    url = forms.CharField(
        label="URL",
        max_length=MAX_URL_LENGTH,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    excerpt = forms.CharField(
        label="Quoted excerpt",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The words of the page that matter; checked against the page once fetched.",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if is_blank(data.get("url") or "") and is_blank(data.get("excerpt") or ""):
            raise ValidationError("Give a URL, a quoted excerpt, or both.", code="empty")
        return data


class RatingForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect)
    confidence = forms.ChoiceField(
        choices=Confidence.choices, initial=Confidence.MEDIUM, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why: what the evidence shows. Other reviewers and editors read it.",
    )


def _blank(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


class ClaimSearchForm(forms.Form):
    q = forms.CharField(label="Words", required=False, max_length=200)
    verdict = forms.ChoiceField(
        choices=_blank("Any verdict", Verdict.choices),
        required=False,
        help_text="Published, or agreed by the reviewers.",
    )
    status = forms.ChoiceField(choices=_blank("Any status", ClaimStatus.choices), required=False)
    kind = forms.ChoiceField(choices=_blank("Any kind", ClaimKind.choices), required=False)
    article = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Assigned to",
        empty_label="Anyone",
        to_field_name="username",
    )
    assigned = forms.BooleanField(label="Assigned to me", required=False)
    unrated = forms.BooleanField(label="Not rated by me", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = eligible_reviewers()  # type: ignore[attr-defined]


# --- Editorial workflow ----------------------------------------------------------------


class MoveForm(IdPrefixed):
    id_prefix = "move"

    to = forms.ChoiceField(choices=ClaimStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why (needed to reject a claim).",
    )


class PublishForm(IdPrefixed):
    id_prefix = "publish"

    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(
        label="Rationale for the public",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown with the verdict on the public fact-check page.",
    )
    note = forms.CharField(
        label="Note for the team",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the verdict is not the reviewers' consensus.",
    )


class UnpublishForm(IdPrefixed):
    id_prefix = "unpublish"

    note = forms.CharField(
        label="Why unpublish?", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AssignForm(IdPrefixed):
    id_prefix = "assign"

    reviewers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, label="Reviewers"
    )

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = reviewers


class CommentForm(IdPrefixed):
    id_prefix = "comment"

    body = forms.CharField(
        label="Your message", widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )
