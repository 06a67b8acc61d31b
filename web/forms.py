"""Forms parse what the browser sends; the services decide what is allowed."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse, reverse_lazy

from accounts.models import User
from claims.models import (
    SUMMARY_MAX_LENGTH,
    Article,
    ArticleFormat,
    ArticleStatus,
    Claimant,
    ClaimantKind,
    ClaimKind,
    ClaimStatus,
    Confidence,
    Source,
    Stance,
    Verdict,
)
from claims.services.articles import ARTICLE_METADATA
from claims.services.claimants import Appearance, NewClaimant
from claims.summaries import QUOTE_WITHOUT_CLAIMANT, summary_warnings
from claims.url_rules import MAX_URL_LENGTH
from editorial.models import ConsensusState, CorrectionRequest, CorrectionRequestStatus
from editorial.queues import QUEUES
from editorial.selectors import public_claimants
from editorial.services.correction_requests import (
    MESSAGE_MAX_CHARS,
    MESSAGE_MIN_CHARS,
    NAME_MAX_CHARS,
    RESPONSE_MAX_CHARS,
)
from notifications.models import DEFAULT_DELIVERY, Delivery, Kind
from texts.textnorm import is_blank
from web.selectors import article_choices, article_choices_offered, eligible_reviewers

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


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` next to the fields it names (else on top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class ArticleDetailsFields(forms.Form):
    """The article's details an importer may give (the page or the text fills in the rest)."""

    url = forms.CharField(
        label="Original URL",
        max_length=MAX_URL_LENGTH,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="Where the article was published; its relative links resolve against it.",
    )
    byline = forms.CharField(label="Author / byline", max_length=300, required=False)
    publisher = forms.CharField(max_length=200, required=False)
    published_on = forms.DateField(
        label="Publication date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ImportTextForm(ArticleDetailsFields):
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


class ImportFileForm(ArticleDetailsFields):
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


class ImportUrlForm(ArticleDetailsFields):
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


class ClaimKindFields(IdPrefixed):
    """A claim's kind and the sources it relies on, chosen among its article's."""

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


class PassageFields(IdPrefixed):
    """A passage of the article: its words, or its offsets (a selection in the reader);
    one of them is needed. ``passage_help`` and ``no_passage`` say it for each form."""

    passage_help = ""
    no_passage = ""

    quote = forms.CharField(
        label="Passage",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}),
    )
    start = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_OFFSET, widget=forms.HiddenInput
    )
    end = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_OFFSET, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quote"].help_text = self.passage_help

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_offsets = data.get("start") is not None and data.get("end") is not None
        if not has_offsets and is_blank(data.get("quote") or ""):
            raise ValidationError(self.no_passage, code="empty")
        return data


class ClaimCreateForm(PassageFields, ClaimantFields, ClaimKindFields):
    id_prefix = "claim"
    passage_help = "Select it in the article, or type or paste it exactly as it stands."
    no_passage = "Select a passage in the article, or type it."


class ArticleMetadataForm(forms.ModelForm):
    """Correcting an article's details in the reader (``article_update`` decides)."""

    url = forms.CharField(
        label="Original URL",
        max_length=MAX_URL_LENGTH,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Article
        fields = ARTICLE_METADATA
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "article-%s")
        super().__init__(*args, **kwargs)

    def _post_clean(self) -> None:
        """The service validates and saves; the form only parses (no instance changes)."""


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


class ClaimEditForm(ClaimKindFields):
    """A claim's kind and the sources it relies on."""

    id_prefix = "edit"


class ClaimSpanForm(PassageFields):
    """Another passage for a claim: its words, or its offsets (a selection in the reader)."""

    id_prefix = "span"
    passage_help = (
        "The words exactly as they stand in the article (they must occur once), "
        "or select them in the reader."
    )
    no_passage = "Type the passage, or select it in the reader."


class EvidenceEditForm(forms.Form):
    """Correcting one piece of evidence; each on the page has inputs of its own."""

    stance = forms.ChoiceField(choices=Stance.choices, widget=forms.RadioSelect)
    url = forms.CharField(
        label="URL",
        max_length=MAX_URL_LENGTH,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="A new URL is fetched again.",
    )
    excerpt = forms.CharField(
        label="Quoted excerpt", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, evidence_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"evidence-{evidence_id}-%s")
        super().__init__(*args, **kwargs)


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        help_text="Type @ and a name to tell a reviewer or editor.",
        widget=forms.Textarea(
            attrs={"rows": 3, "data-mentions": reverse_lazy("web:mention-options")}
        ),
        max_length=20_000,
    )

    def __init__(self, *args: Any, comment_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"comment-{comment_id}-%s")
        super().__init__(*args, **kwargs)


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


class IdListForm(forms.Form):
    """``?ids=1,2,3``: the rows a poll asks about (at most ``MAX_IDS``)."""

    MAX_IDS = 200

    ids = forms.RegexField(regex=r"^\d{1,18}(,\d{1,18})*$", required=False, max_length=4000)

    def clean_ids(self) -> list[int]:
        value = self.cleaned_data["ids"]
        return [int(pk) for pk in value.split(",")[: self.MAX_IDS]] if value else []


class ClaimSearchForm(forms.Form):
    q = forms.CharField(label="Words", required=False, max_length=200)
    verdict = forms.ChoiceField(
        choices=_blank("Any verdict", Verdict.choices),
        required=False,
        help_text="Published, or agreed by the reviewers.",
    )
    status = forms.ChoiceField(choices=_blank("Any status", ClaimStatus.choices), required=False)
    kind = forms.ChoiceField(choices=_blank("Any kind", ClaimKind.choices), required=False)
    consensus = forms.ChoiceField(
        choices=_blank("Any consensus", ConsensusState.choices), required=False
    )
    queue = forms.ChoiceField(
        choices=_blank("No queue", [(name, q.label) for name, q in QUEUES.items()]),
        required=False,
    )
    article = forms.ModelChoiceField(
        queryset=Article.objects.none(), required=False, empty_label="Any article"
    )
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Assigned to",
        empty_label="Anyone",
        to_field_name="username",
    )
    assigned = forms.BooleanField(label="Assigned to me", required=False)
    unrated = forms.BooleanField(label="Not rated by me", required=False)
    unassigned = forms.BooleanField(label="Assigned to nobody", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = eligible_reviewers()  # type: ignore[attr-defined]
        self.fields["article"].queryset = article_choices()  # type: ignore[attr-defined]
        # The menu lists only some articles (``article_choices_offered``), and the one
        # asked for; any article's id is accepted.
        chosen = str(self.data.get("article", ""))
        offered = article_choices_offered(int(chosen) if chosen.isdigit() else None)
        self.fields["article"].widget.choices = [("", "Any article"), *offered]  # type: ignore[attr-defined]


# --- Editorial workflow ----------------------------------------------------------------


class MoveForm(IdPrefixed):
    """A move of the claim's status. One form holds the moves whose note is optional; a
    move that needs a note (``note_required``, from ``claims.transitions``) has its own,
    whose note says it is required (the service refuses a move without it)."""

    id_prefix = "move"

    to = forms.ChoiceField(choices=ClaimStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, note_required_for: str = "", **kwargs: Any) -> None:
        """``note_required_for``: the status of the move that needs a note (its own form)."""
        if note_required_for:
            kwargs.setdefault("auto_id", f"move-{note_required_for}-%s")
        super().__init__(*args, **kwargs)
        if note_required_for:
            note = self.fields["note"]
            note.label = "Why? (required)"
            note.help_text = "Say why, for the team: the move is recorded with it."
            note.widget.attrs.update({"required": True, "aria-required": "true"})


class IdsField(forms.Field):
    """Ids sent as several values of one name (ticked checkboxes)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        if any(not str(item).isdigit() or len(str(item)) > 18 for item in values):
            raise ValidationError("Choose among the items listed.", code="invalid")
        return sorted({int(item) for item in values})


class SameClaimForm(IdPrefixed):
    """Link a claim to this one as the same claim (editors)."""

    id_prefix = "link"

    claim = forms.IntegerField(
        label="Same claim as (claim id)", min_value=1, widget=forms.HiddenInput
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
    confirm_no_evidence = forms.BooleanField(label="Publish without evidence", required=False)
    publish_article = forms.BooleanField(label="Also publish the article", required=False)
    # "Use the verdict of C3": the linked claim whose verdict is reused, and those of its
    # evidence items the editor ticked to add to this claim.
    reused_from = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    reuse_evidence = IdsField(label="Add its evidence to this claim", required=False)


class CorrectionForm(PublishForm):
    """Publishing again on a published claim corrects it: the public reads the note."""

    id_prefix = "correct"
    reused_from = None  # type: ignore[assignment]
    reuse_evidence = None  # type: ignore[assignment]

    correction = forms.CharField(
        label="Correction note for the public",
        # Needed for any change; the service says so (it knows whether anything changed).
        widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}),
        required=False,
        help_text="What changed and why; shown, dated, in the page's log of corrections.",
    )
    resolves = forms.ModelChoiceField(
        label="Resolves a reader's report",
        queryset=CorrectionRequest.objects.none(),
        required=False,
        empty_label="None",
    )

    def __init__(self, *args: Any, requests: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        resolves: Any = self.fields["resolves"]
        if requests is not None:
            resolves.queryset = requests
        resolves.label_from_instance = lambda report: f"#{report.pk}: {report}"


class ReportErrorForm(forms.Form):
    """A reader's report of an error on a public page. ``website`` is a trap for bots:
    hidden from people (and from screen readers), filled in by scripts that fill all."""

    id_prefix = "report"

    message = forms.CharField(
        label="What is wrong?",
        min_length=MESSAGE_MIN_CHARS,
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what is wrong and, if you can, where the right information is.",
    )
    name = forms.CharField(label="Your name", max_length=NAME_MAX_CHARS, required=False)
    email = forms.EmailField(
        label="Your email",
        required=False,
        help_text="Only if you would like an answer; it is never shown.",
    )
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "report-%s")
        super().__init__(*args, **kwargs)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class CorrectionRequestForm(forms.Form):
    """An editor's answer to a reader's report (the service checks the rest)."""

    status = forms.ChoiceField(
        choices=[
            (CorrectionRequestStatus.ANSWERED, "Answer"),
            (CorrectionRequestStatus.RESOLVED, "Resolve"),
            (CorrectionRequestStatus.DISMISSED, "Dismiss"),
        ]
    )
    response = forms.CharField(
        label="Response",
        required=False,
        max_length=RESPONSE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublicSearchForm(forms.Form):
    """The public index's search and filters; each field is a filter of
    ``editorial.selectors.public_fact_checks`` (``q`` its words)."""

    q = forms.CharField(label="Search", max_length=200, required=False)
    verdict = forms.ChoiceField(
        label="Verdict", choices=[("", "Any verdict"), *Verdict.choices], required=False
    )
    claimant = forms.ModelChoiceField(
        label="Claimant",
        queryset=Claimant.objects.none(),
        required=False,
        empty_label="Anyone",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        claimant: Any = self.fields["claimant"]
        claimant.queryset = public_claimants()


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
        label="Your message",
        help_text="Type @ and a name to tell a reviewer or editor.",
        widget=forms.Textarea(
            attrs={"rows": 3, "data-mentions": reverse_lazy("web:mention-options")}
        ),
        max_length=20_000,
    )


class NotificationPreferencesForm(IdPrefixed):
    """How each kind of notification is e-mailed: at once, in the daily digest, or not."""

    id_prefix = "preferences"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, initial=DEFAULT_DELIVERY[kind]
            )


class SuggestionDismissForm(forms.Form):
    start = forms.IntegerField(min_value=0, max_value=MAX_OFFSET)
    end = forms.IntegerField(min_value=1, max_value=MAX_OFFSET)


def failed_form_of(failed: Mapping[str, Any], name: str, id_name: str, pk: int) -> Any:
    """Of the forms ``failed_forms`` gave back, the form ``name`` if it was the one of item
    ``pk`` (the id ``form_failed`` kept under ``id_name`` in its ``context``), else None."""
    form = failed.get(name)
    return form if form is not None and form.data.get(id_name) == str(pk) else None


class RevisionForm(forms.Form):
    """A new version of the article's text, pasted in the reader (``article_revise``)."""

    content = forms.CharField(
        label="The new version",
        widget=forms.Textarea(attrs={"rows": 10}),
        strip=False,
        help_text="Paste the whole article as it reads now: its claims and sources are "
        "found again in it.",
    )
    source_format = forms.ChoiceField(
        label="Format",
        choices=[("", "As the article was imported"), *ArticleFormat.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "revision-%s")
        super().__init__(*args, **kwargs)
