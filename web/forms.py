"""Forms parse what the browser sends; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from claims.models import (
    SUMMARY_MAX_LENGTH,
    Article,
    ArticleStatus,
    ClaimantKind,
    ClaimKind,
    ClaimStatus,
    Confidence,
    Source,
    Stance,
    Verdict,
)
from claims.services.claimants import Appearance, NewClaimant
from claims.summaries import QUOTE_WITHOUT_CLAIMANT, summary_warnings
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


class ImportUrlForm(forms.Form):
    url = forms.CharField(
        label="Address of the article",
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="A worker fetches the page and keeps its main text and links.",
    )
    title = forms.CharField(max_length=300, required=False)
    force = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ClaimantFields(forms.Form):
    """Who made the claim: an existing claimant's name (offered as one types) or a new one."""

    claimant_name = forms.CharField(
        label="Who said it",
        required=False,
        max_length=200,
        help_text="The person or organisation who made the claim; for a quote, the person "
        "quoted. Pick a name offered as you type, or type a new one.",
    )
    claimant_kind = forms.ChoiceField(
        label="They are",
        required=False,
        choices=ClaimantKind.choices,
        initial=ClaimantKind.PERSON,
        widget=forms.RadioSelect,
        help_text="For a new name.",
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What is claimed, restated short and neutrally (about 75 characters), "
        "without the verdict. Search results show it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["claimant_name"].widget.attrs.update(
            {
                "list": f"{self.id_prefix}-claimant-options",  # type: ignore[attr-defined]
                "autocomplete": "off",
                "hx-get": reverse("web:claimant-options"),
                "hx-trigger": "input changed delay:250ms, focus once",
                "hx-target": f"#{self.id_prefix}-claimant-options",  # type: ignore[attr-defined]
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )

    def claimant_choice(self) -> NewClaimant | None:
        name = self.cleaned_data.get("claimant_name") or ""
        if is_blank(name):
            return None
        return NewClaimant(name, self.cleaned_data.get("claimant_kind") or ClaimantKind.PERSON)

    @property
    def warnings(self) -> list[str]:
        """What to reconsider (none of it stops the form): ``claims.summaries``'s rules."""
        data = getattr(self, "cleaned_data", None) or {}
        warnings = []
        if data.get("kind") == ClaimKind.QUOTE and is_blank(data.get("claimant_name") or ""):
            warnings.append(QUOTE_WITHOUT_CLAIMANT)
        return warnings + summary_warnings(data.get("summary") or "")


class ClaimCreateForm(ClaimantFields, IdPrefixed):
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


class ClaimDescribeForm(ClaimantFields, IdPrefixed):
    """The claim page's form for what a claim says and who said it, when and where."""

    id_prefix = "describe"

    claim_date = forms.DateField(
        label="Date of the claim",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When it was said or written.",
    )
    appearances = forms.CharField(
        label="Where it appears",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="One address per line: the pages where the claim was made or repeated.",
    )
    first_appearance = forms.CharField(
        label="First appearance",
        required=False,
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="The page where it first appeared, if you found it (added to the list).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "claimant_name"
        ].help_text = "The person or organisation who made the claim. Leave empty for none."

    def clean_appearances(self) -> list[str]:
        lines = (self.cleaned_data.get("appearances") or "").splitlines()
        urls = [line.strip() for line in lines if line.strip()]
        if len(urls) > 100:
            raise ValidationError("List at most 100 pages.")
        return urls

    def appearance_list(self) -> list[Appearance]:
        first = (self.cleaned_data.get("first_appearance") or "").strip()
        urls = self.cleaned_data["appearances"]
        listed = [Appearance(url, url == first) for url in urls]
        if first and first not in urls:
            listed.insert(0, Appearance(first, True))
        return listed

    @staticmethod
    def initial_for(claim: Any) -> dict[str, Any]:
        appearances = list(claim.appearances.all())
        first = next((a.url for a in appearances if a.is_first), "")
        return {
            "summary": claim.summary,
            "claimant_name": claim.claimant.name if claim.claimant else "",
            "claimant_kind": claim.claimant.kind if claim.claimant else ClaimantKind.PERSON,
            "claim_date": claim.claim_date,
            "appearances": "\n".join(a.url for a in appearances),
            "first_appearance": first,
        }


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
