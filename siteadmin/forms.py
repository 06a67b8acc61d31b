"""The admin's forms: they check beforehand what a service would refuse.

The admin saves through ``claims.services`` once a form is valid, so each form
runs the same checks first (``locate_quote``, ``is_fetchable_url``, the model's
constraints) and a refusal shows as a form error rather than a server error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from claims import policies
from claims.models import ArticleFormat, Claim, Rating, Source
from claims.services.claims import locate_quote
from claims.url_rules import MAX_URL_LENGTH, is_fetchable_url
from editorial.services.workflow import transition_check


class ArticleImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="Markdown, HTML or plain text, in UTF-8.")
    content = forms.CharField(
        label="or paste the article",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
    )
    url = forms.URLField(
        label="original URL",
        max_length=MAX_URL_LENGTH,
        required=False,
        assume_scheme="https",
        help_text="Alone, a worker fetches the article from it. With a file or text, it "
        "records where the article came from and resolves its relative links.",
    )
    source_format = forms.ChoiceField(
        label="format",
        required=False,
        choices=[("", "Detect from the file name or the content"), *ArticleFormat.choices],
    )
    title = forms.CharField(
        max_length=300, required=False, help_text="Empty: the article's first heading."
    )
    force = forms.BooleanField(
        label="Import even if the same article was imported before", required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_text = bool(cleaned.get("content", "").strip())
        if cleaned.get("file") and has_text:
            raise ValidationError("Upload a file or paste the text, not both.")
        if not (cleaned.get("file") or has_text or cleaned.get("url") or self.has_error("url")):
            raise ValidationError(
                "Upload a file, paste the article, or give its URL to fetch it from."
            )
        return cleaned

    def import_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``article_import``, which decides what they mean."""
        data = self.cleaned_data
        upload = data["file"]
        return {
            "content": data["content"] or None,
            "upload": upload or None,
            "filename": upload.name if upload else None,
            "source_format": data["source_format"] or None,
            "title": data["title"],
            "url": data["url"],
            "force": data["force"],
        }


class SourceForm(forms.ModelForm):
    url = forms.CharField(
        label="URL to fetch",
        required=False,
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        help_text="Setting or changing it queues the source to be fetched.",
    )

    class Meta:
        model = Source
        fields = ("url",)

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"].strip()
        if url != self.instance.url and not is_fetchable_url(url):
            raise ValidationError(
                f"Enter an absolute http:// or https:// URL (at most {MAX_URL_LENGTH:,} "
                "characters).",
                code="invalid_url",
            )
        return url


def check_sources_belong(form: forms.ModelForm, article_id: int, sources: Iterable[Source]) -> None:
    foreign = [source for source in sources or () if source.article_id != article_id]
    if foreign:
        names = ", ".join(f"“{source}” (article {source.article_id})" for source in foreign)
        form.add_error("sources", f"Choose sources of the claim's own article, not {names}.")


# The field an error of ``locate_quote`` is about; the others are about the whole form.
QUOTE_ERROR_FIELDS = {"empty": "quote", "quote_not_found": "quote", "quote_ambiguous": "quote"}


class ClaimSpanChecked(forms.ModelForm):
    """The model's one-claim-per-passage constraint applies to claims in the text (not
    orphaned ones): its condition's field is not on the form, yet the check must run."""

    def _get_validation_exclusions(self) -> set[str]:
        return set(super()._get_validation_exclusions()) - {"anchor_state"}  # type: ignore[misc]


class ClaimAddForm(ClaimSpanChecked):
    quote = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="The passage as it stands in the article; enough on its own when it occurs once.",
    )
    start = forms.IntegerField(
        required=False,
        min_value=0,
        help_text="Offsets into the article's plain text, needed only when the quote "
        "occurs more than once.",
    )
    end = forms.IntegerField(required=False, min_value=1)

    class Meta:
        model = Claim
        fields = ("article", "quote", "start", "end", "kind", "sources")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        article = cleaned.get("article")
        if article is None or any(self.has_error(name) for name in ("quote", "start", "end")):
            return cleaned
        try:
            span = locate_quote(
                article=article,
                quote=cleaned.get("quote") or "",
                start=cleaned.get("start"),
                end=cleaned.get("end"),
            )
        except ValidationError as error:
            self.add_error(QUOTE_ERROR_FIELDS.get(error.code or ""), error)
            return cleaned
        # The model's own checks (one claim per passage) then run on the located span.
        cleaned["quote"] = article.text[span.start : span.end]
        cleaned["start"], cleaned["end"] = span.start, span.end
        self.instance.prefix, self.instance.suffix = span.prefix, span.suffix
        check_sources_belong(self, article.pk, cleaned.get("sources") or ())
        return cleaned


class ClaimChangeForm(ClaimSpanChecked):
    note = forms.CharField(
        label="why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Why the status changes; required to reject a claim.",
    )
    start = forms.IntegerField(
        required=False,
        min_value=0,
        help_text="Offsets into the article's plain text: changing them moves the claim to "
        "that passage (its quote is taken from the text again). Empty: unchanged.",
    )
    end = forms.IntegerField(required=False, min_value=0)
    # Set by the admin: whose rights the status change is checked against.
    user: Any = None

    class Meta:
        model = Claim
        fields = ("start", "end", "kind", "status", "sources", "summary", "claimant", "claim_date")

    def description(self) -> dict[str, Any]:
        """The summary, claimant and date as changed here (``claim_describe``'s arguments)."""
        names = ("summary", "claimant", "claim_date")
        return {name: self.cleaned_data[name] for name in names if name in self.changed_data}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_sources_belong(self, self.instance.article_id, cleaned.get("sources") or ())
        status = cleaned.get("status")
        if status and status != self.instance.status:
            self._check_transition(status, cleaned.get("note") or "")
        for name in ("start", "end"):
            if cleaned.get(name) is None and not self.has_error(name):
                cleaned[name] = getattr(self.instance, name)
        start, end = cleaned.get("start"), cleaned.get("end")
        if (
            start is not None
            and end is not None
            and (start, end)
            != (
                self.instance.start,
                self.instance.end,
            )
        ):
            self._check_span(start, end)
        return cleaned

    def moved_to(self, claim: Claim) -> tuple[int | None, int | None]:
        """The new (start, end) to give ``claim`` (as stored), or (None, None)."""
        span = (self.cleaned_data["start"], self.cleaned_data["end"])
        return span if span != (claim.start, claim.end) else (None, None)

    def _check_span(self, start: int, end: int) -> None:
        claim = self.instance
        # The unique span names the article, which is not a field here: Django's own
        # check leaves it out.
        taken = Claim.objects.filter(article_id=claim.article_id, start=start, end=end)
        if taken.exclude(pk=claim.pk).exists():
            self.add_error("start", "A claim on exactly this passage already exists.")
            return
        try:
            locate_quote(article=claim.article, start=start, end=end)
            policies.check_change_claim_span(self.user, claim, has_ratings=claim.ratings.exists())
        except ValidationError as error:
            self.add_error("start", error.messages)
        except PermissionDenied as error:
            self.add_error("start", str(error))

    def _check_transition(self, status: str, note: str) -> None:
        # The form's instance still has the stored status here (it is set after clean).
        try:
            transition = transition_check(
                claim=self.instance, to_status=status, user=self.user, note=note
            )
        except ValidationError as error:
            field = "note" if getattr(error, "error_dict", {}).get("note") else "status"
            self.add_error(field, error.messages)
        except PermissionDenied as error:
            self.add_error("status", str(error))
        else:
            if transition.service:
                self.add_error(
                    "status", "Publish or unpublish through the claim's publication instead."
                )


class RatingAddForm(forms.ModelForm):
    """A rating given in someone's name: ``check_rate_claim``'s refusal as a form error."""

    user: Any = None

    class Meta:
        model = Rating
        fields = ("claim", "reviewer", "verdict", "confidence", "rationale")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        claim, reviewer = cleaned.get("claim"), cleaned.get("reviewer")
        if claim is not None and reviewer is not None:
            try:
                policies.check_rate_claim(self.user, claim, reviewer=reviewer)
            except PermissionDenied as refusal:
                self.add_error("reviewer", str(refusal))
        return cleaned
