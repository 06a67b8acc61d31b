"""What a person is told about the work they take part in: an inbox of notifications,
and how each kind of them reaches them by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from claims.models import Claim, in_choices


class Kind(models.TextChoices):
    ASSIGNED = "assigned", "Assigned to a claim"
    MENTIONED = "mentioned", "Mentioned in a comment"
    REPLY = "reply", "A reply in a discussion I joined"
    DISPUTED = "disputed", "A claim I review became disputed"
    CONSENSUS = "consensus", "A claim I review reached consensus"
    PUBLISHED = "published", "A claim I review was published"
    UNPUBLISHED = "unpublished", "A claim I review was unpublished"
    CORRECTED = "corrected", "A claim I review was corrected"
    SOURCE_DIED = "source_died", "A source of my claims is a dead link"
    SOURCE_CHANGED = "source_changed", "A source of my claims changed"
    WORDING_CHANGED = "wording_changed", "A claim I review changed wording"
    CORRECTION_REQUESTED = "correction_requested", "A reader reported an error (editors)"


class Delivery(models.TextChoices):
    INSTANT = "instant", "E-mail at once"
    DIGEST = "digest", "Daily digest"
    OFF = "off", "No e-mail"


# Without a preference of their own: at once for what waits on the person, the rest daily.
DEFAULT_DELIVERY: dict[str, str] = {
    Kind.ASSIGNED: Delivery.INSTANT,
    Kind.MENTIONED: Delivery.INSTANT,
    Kind.CORRECTION_REQUESTED: Delivery.INSTANT,
    Kind.REPLY: Delivery.DIGEST,
    Kind.DISPUTED: Delivery.DIGEST,
    Kind.CONSENSUS: Delivery.DIGEST,
    Kind.PUBLISHED: Delivery.DIGEST,
    Kind.UNPUBLISHED: Delivery.DIGEST,
    Kind.CORRECTED: Delivery.DIGEST,
    Kind.SOURCE_DIED: Delivery.DIGEST,
    Kind.SOURCE_CHANGED: Delivery.DIGEST,
    Kind.WORDING_CHANGED: Delivery.DIGEST,
}


class EmailState(models.TextChoices):
    NONE = "none", "Not e-mailed"
    PENDING = "pending", "To e-mail at once"
    DIGEST = "digest", "For the daily digest"
    SENT = "sent", "E-mailed"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing that happened, for one person; read once they have seen it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.CharField(
        max_length=500, help_text="What happened, as the recipient may be told it."
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.NONE
    )
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            in_choices("kind", Kind.values, "notification_kind_valid"),
            in_choices("email_state", EmailState.values, "notification_email_state_valid"),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["email_state", "created_at"],
                name="notification_email_due",
                condition=Q(email_state__in=["pending", "digest"]),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """How one person gets one kind of notification by e-mail (else ``DEFAULT_DELIVERY``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_one_per_kind"),
            in_choices("kind", Kind.values, "preference_kind_valid"),
            in_choices("delivery", Delivery.values, "preference_delivery_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.delivery}"


class ReaderReply(models.Model):
    """The editors' answer to a reader's report, to e-mail to the address they gave."""

    correction_request = models.ForeignKey(
        "editorial.CorrectionRequest", on_delete=models.CASCADE, related_name="reader_replies"
    )
    response = models.TextField(help_text="The answer as it was when given.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "reader replies"

    def __str__(self) -> str:
        return f"Reply to report {self.correction_request_id}"
