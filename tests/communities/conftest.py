"""The people the community pages know, around one community (test files may override a
fixture with their own)."""

import pytest

from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MembershipFactory,
    UserFactory,
)


@pytest.fixture
def community(db):
    return CommunityFactory(
        slug="gestion-des-eaux",
        name_fr="Gestion des eaux pluviales",
        name_en="Storm water management",
        mandate_fr="Partager les pratiques de gestion durable des eaux pluviales.",
        mandate_en="Sharing sustainable storm water practices.",
        capacity=5,
    )


@pytest.fixture
def other_community(db):
    return CommunityFactory(name_fr="Voirie", name_en="Roads")


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(
        community=community, member__first_name="Louise", member__last_name="Lavoie"
    ).member


@pytest.fixture
def community_member(community):
    """A plain member of the community."""
    return MembershipFactory(
        community=community,
        member__first_name="Marc",
        member__last_name="Mercier",
        member__organisation="Ville de Rimouski",
    ).member


@pytest.fixture
def outsider(other_community):
    """A member of another community."""
    return MembershipFactory(community=other_community).member


@pytest.fixture
def other_lead(other_community):
    return LeadMembershipFactory(community=other_community).member


@pytest.fixture
def requester(community):
    """Someone whose request to join the community is pending."""
    return UserFactory(first_name="Rachel", last_name="Roy", organisation="MRC de Kamouraska")


@pytest.fixture
def join_request(community, requester):
    return JoinRequestFactory(
        community=community,
        member=requester,
        motivation="Je pilote le plan de gestion des eaux pluviales de la MRC.",
    )


@pytest.fixture
def visitor(request, client, db):
    """The test client signed in as the person named by ``person`` (parametrised)."""

    def _as(person: str):
        if person != "anonymous":
            client.force_login(request.getfixturevalue(person))
        return client

    return _as
