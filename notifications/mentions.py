"""``@username`` in a comment: who it names, and who of them a mention reaches."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from accounts.models import User
from claims import policies
from notifications import selectors

# Django's usernames: letters, digits and @.+-_; a mention stops at a second "@" and
# leaves a sentence's final dot out ("thanks @ben.").
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]*[\w+-])")
MAX_MENTIONS = 20


def mentioned_names(body: str) -> list[str]:
    """The names mentioned in ``body``, each once, in order (at most ``MAX_MENTIONS``)."""
    names: dict[str, str] = {}
    for match in MENTION.finditer(body):
        names.setdefault(match.group(1).lower(), match.group(1))
    return list(names.values())[:MAX_MENTIONS]


@dataclass
class Mentions:
    reached: list[User] = field(default_factory=list)  # reviewers and editors: notified
    unreached: list[str] = field(default_factory=list)  # anyone else, or nobody by that name


def mentions_in(body: str) -> Mentions:
    """Who a comment's mentions notify, and which names they cannot reach."""
    names = mentioned_names(body)
    if not names:
        return Mentions()
    users = selectors.users_named(names)
    known = [user for user in users.values() if user is not None]
    people = selectors.with_roles(User.objects.filter(pk__in=[user.pk for user in known]))
    with_roles = {user.pk: user for user in people}
    mentions = Mentions()
    for name, user in users.items():
        member = with_roles.get(user.pk) if user is not None else None
        if member is not None and policies.is_reviewer(member):
            mentions.reached.append(member)
        else:
            mentions.unreached.append(name)
    return mentions
