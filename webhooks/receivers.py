"""The domain's events (``claims.events``), heard after commit and turned into deliveries."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

from claims.events import EVENTS
from webhooks import payloads, services

_NAMES = {signal: name for name, signal in EVENTS.items()}


def on_event(sender: Signal, **kwargs: Any) -> None:
    """``emit`` sends every event with the signal as its sender."""
    kwargs.pop("signal", None)
    event_type = _NAMES.get(sender)
    if event_type is None:
        return
    subscriptions = services.subscribers(event_type)
    if not subscriptions:
        return
    data = payloads.BUILDERS[event_type](**kwargs)
    services.event_deliver(event_type=event_type, data=data, subscriptions=subscriptions)


def connect() -> None:
    for name, signal in EVENTS.items():
        signal.connect(on_event, weak=False, dispatch_uid=f"webhooks:{name}")
