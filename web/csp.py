"""Content-Security-Policy for one view, where the site-wide policy (settings) does not fit.

The site-wide policy lives in ``settings.CONTENT_SECURITY_POLICY`` (or ``..._REPORT_ONLY``
with ``CSP_REPORT_ONLY=true``). A view that needs another says so here, never in a template:

- ``csp_relaxed`` adds sources to some directives (the API docs' third-party bundles inject
  their own styles);
- ``csp_sandboxed`` replaces the whole policy with a stricter one, for pages that show
  content we did not write (an archived copy of a cited page, say): no script at all, no
  form, no plugin, and the ``sandbox`` directive so the page runs in a unique origin that
  cannot read our cookies;
- ``csp_archived_original`` is the policy of an archived page's own HTML, shown in a
  sandboxed frame of our archive page: its inline styles and data: images only, nothing
  fetched from anywhere, no script, and framed by our pages alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp, csp_replace, csp_update

View = TypeVar("View", bound=Callable[..., Any])

SANDBOXED_DIRECTIVES: dict[str, Any] = {
    "default-src": [NONE],
    "script-src": [NONE],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [NONE],
    # An empty sandbox: scripts, forms, popups and same-origin access are all off.
    "sandbox": True,
}


ARCHIVED_ORIGINAL_DIRECTIVES: dict[str, Any] = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "font-src": ["data:"],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [SELF],
    "sandbox": True,
}


def csp_relaxed(extra_sources: Mapping[str, Sequence[str]]) -> Callable[[View], View]:
    """Add ``extra_sources`` to the site's directives for this view, in both the enforced and
    the report-only policy (whichever is configured)."""
    config = {directive: list(sources) for directive, sources in extra_sources.items()}

    def decorate(view: View) -> View:
        return csp_update(config)(csp_update(config, REPORT_ONLY=True)(view))  # type: ignore[return-value]

    return decorate


def csp_sandboxed(view: View) -> View:
    """Serve this view under ``SANDBOXED_DIRECTIVES`` instead of the site's policy.

    It is enforced even when the site's policy is report-only: the pages it is for show
    content from elsewhere, which must never run in our origin."""
    return csp(SANDBOXED_DIRECTIVES)(view)  # type: ignore[return-value]


def csp_public(view: View) -> View:
    """The policy of the public pages (fact-checks, their index, corrections, methodology):
    the site's, with no connections from scripts at all. Readers' browsers only load our
    styles and scripts and post the report form to us (``form-action 'self'``)."""
    config = {"connect-src": [NONE]}
    return csp_replace(config)(csp_replace(config, REPORT_ONLY=True)(view))  # type: ignore[return-value]


def csp_archived_original(view: View) -> View:
    """Serve this view under ``ARCHIVED_ORIGINAL_DIRECTIVES``, enforced whatever the site's
    policy (see ``csp_sandboxed``)."""
    return csp(ARCHIVED_ORIGINAL_DIRECTIVES)(view)  # type: ignore[return-value]
