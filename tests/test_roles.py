from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.models import Role
from tests.factories import UserFactory


def _codenames(group: str) -> set[str]:
    return set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))


@pytest.mark.django_db
def test_roles_exist_with_their_permissions():
    reviewer, editor = _codenames("reviewer"), _codenames("editor")
    assert {"add_claim", "add_evidence", "add_rating", "change_source"} <= reviewer
    assert "delete_claim" not in reviewer
    assert reviewer < editor
    assert {"change_claim", "delete_claim", "delete_article"} <= editor


@pytest.mark.django_db
def test_editors_and_staff_are_editors_and_reviewers_are_not():
    assert UserFactory.create(roles=["editor"]).is_editor
    assert UserFactory.create(is_staff=True).is_editor
    reviewer = UserFactory.create(roles=["reviewer"])
    assert not reviewer.is_editor
    assert reviewer.has_role(Role.REVIEWER)


@pytest.mark.django_db
def test_editors_assign_and_publish_and_reviewers_discuss():
    reviewer, editor = _codenames("reviewer"), _codenames("editor")
    assert {"view_claimtransition", "view_publication", "add_comment"} <= reviewer
    assert not {"add_assignment", "add_publication"} & reviewer
    assert {"add_assignment", "delete_assignment", "add_publication"} <= editor
