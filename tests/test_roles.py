from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.models import Role
from claims.policies import (
    can_assign_reviewers,
    can_comment_on_claim,
    can_publish_claim,
    is_editor,
    is_reviewer,
)
from tests.factories import ClaimFactory, UserFactory


@pytest.mark.django_db
def test_the_role_groups_exist_and_carry_no_model_permissions():
    # What a role may do is decided by claims.policies everywhere, the admin included.
    groups = Group.objects.filter(name__in=["reviewer", "editor"]).prefetch_related("permissions")
    assert sorted(group.name for group in groups) == ["editor", "reviewer"]
    assert [list(group.permissions.all()) for group in groups] == [[], []]


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
    claim = ClaimFactory.create()
    reviewer, editor = UserFactory.create(roles=["reviewer"]), UserFactory.create(roles=["editor"])
    assert can_comment_on_claim(reviewer, claim)
    assert not can_assign_reviewers(reviewer, claim)
    assert not can_publish_claim(reviewer, claim)
    assert can_assign_reviewers(editor, claim)
    assert can_publish_claim(editor, claim)
