from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.models import Role
from claims.policies import is_editor, is_reviewer
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
    assert is_editor(UserFactory.create(roles=["editor"]))
    assert is_editor(UserFactory.create(is_staff=True))
    reviewer = UserFactory.create(roles=[Role.REVIEWER])
    assert not is_editor(reviewer)
    assert is_reviewer(reviewer)
    assert not is_editor(UserFactory.create(roles=["editor"], is_active=False))


@pytest.mark.django_db
def test_editors_assign_and_publish_and_reviewers_discuss():
    reviewer, editor = _codenames("reviewer"), _codenames("editor")
    assert {"view_claimtransition", "view_publication", "add_comment"} <= reviewer
    assert not {"add_assignment", "add_publication"} & reviewer
    assert {"add_assignment", "delete_assignment", "add_publication"} <= editor
