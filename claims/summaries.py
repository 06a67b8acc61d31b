"""What an editor should hear about a claim's description before it is published.

Pure functions of the claim's fields: the claim page, the publish form and the API all
show the same warnings. None of them blocks anything (a missing summary does, at publish).
"""

from __future__ import annotations

import re
from typing import Any

from claims.models import ClaimKind, Verdict

# Google shows claimReviewed in a line of search results: past about 75 characters it is cut.
SUMMARY_ADVISED_LENGTH = 75

# The words of the verdicts' names; "mostly" alone says nothing about a verdict.
VERDICT_WORDS = sorted(
    {word for verdict in Verdict for word in str(verdict.label).lower().split()} - {"mostly"}
)
_VERDICT_WORD = re.compile(r"\b(" + "|".join(VERDICT_WORDS) + r")\b", re.IGNORECASE)

QUOTE_WITHOUT_CLAIMANT = "A quote needs its speaker: name the person quoted (the claimant)."


def summary_warnings(summary: str) -> list[str]:
    """What to reconsider in a claim's summary: its length, and a verdict in its words."""
    warnings = []
    summary = summary.strip()
    if len(summary) > SUMMARY_ADVISED_LENGTH:
        warnings.append(
            f"The summary has {len(summary)} characters: search results show about "
            f"{SUMMARY_ADVISED_LENGTH}, so shorten it."
        )
    words = sorted({match.lower() for match in _VERDICT_WORD.findall(summary)})
    if words:
        quoted = ", ".join(f"“{word}”" for word in words)
        warnings.append(
            f"The summary contains {quoted}, the word of a verdict: restate what is "
            "claimed, neutrally, and leave the verdict to the rating."
        )
    return warnings


def claim_warnings(claim: Any) -> list[str]:
    """Everything to reconsider in how the claim is described (``claimant_id`` is read)."""
    warnings = []
    if claim.kind == ClaimKind.QUOTE and claim.claimant_id is None:
        warnings.append(QUOTE_WITHOUT_CLAIMANT)
    return warnings + summary_warnings(claim.summary)
