"""Staff merge a duplicate area while a member saves a profile that picks it: real threads with
their own PostgreSQL connections, released together (see tests/communities/test_concurrency.py).
Neither fails, and no member is left holding an area that is gone."""

import pytest

from members.models import ExpertiseArea
from members.services import expertise_area_merge, profile_update
from members.vocabulary import vocabulary_seed
from tests.communities.test_concurrency import _run_together
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("round_", range(4))
def test_merging_while_a_member_picks_the_duplicate_never_fails(round_):
    vocabulary_seed()
    keep = ExpertiseArea.objects.get(slug="gestion-des-chaussees")
    water = ExpertiseArea.objects.get(slug="eau-potable")
    duplicate = ExpertiseArea.objects.create(
        slug="chaussees", label_fr="Chaussées", label_en="Pavements"
    )
    member = UserFactory()

    outcomes = _run_together(
        [
            lambda: profile_update(user=member, data={"expertise_areas": [duplicate, water]}),
            lambda: expertise_area_merge(keep=keep, duplicates=[keep, duplicate]),
        ]
    )

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert not ExpertiseArea.objects.filter(pk=duplicate.pk).exists()
    areas = set(member.expertise_areas.values_list("slug", flat=True))
    # The profile saved first: the merge gave the member the area kept. The merge went first:
    # the area picked is gone, the rest of the choice stands.
    assert areas in ({"gestion-des-chaussees", "eau-potable"}, {"eau-potable"})
