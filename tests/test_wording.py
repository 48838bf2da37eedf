"""French (Québec) wording the members read: "courrier indésirable", no nested parentheses,
"Responsable" for one lead and "Responsables" for several, the same "Formule" on the meeting
form and page, and an admin that does not say "objet Nouveau membre supplémentaire"."""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    CommunityFactory,
    LeadMembershipFactory,
    MeetingFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def _words(text: str) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


def _nested_parentheses(text: str) -> list[str]:
    found, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
            if depth == 1:
                start = index
        elif char == ")" and depth:
            depth -= 1
        if depth == 2:
            found.append(text[start : index + 40])
            depth = 1
    return found


def test_the_verification_page_says_courrier_indesirable(client):
    text = _words(page_text(client.get(reverse("account_email_verification_sent"))))

    assert "courrier indésirable" in text
    assert "spam" not in text.lower()


def test_one_lead_is_responsable_several_are_responsables(client):
    one = CommunityFactory()
    LeadMembershipFactory(community=one)
    two = CommunityFactory()
    LeadMembershipFactory.create_batch(2, community=two)

    first = _words(page_text(client.get(reverse("communities:detail", args=[one.slug]))))
    second = _words(page_text(client.get(reverse("communities:detail", args=[two.slug]))))

    assert re.search(r"\bResponsable\b", first) and "Responsables" not in first
    assert "Responsables" in second


def test_the_format_is_called_formule_on_the_form_and_on_the_page(client, db):
    community = CommunityFactory()
    lead = LeadMembershipFactory(community=community).member
    meeting = MeetingFactory(community=community)
    client.force_login(lead)

    form = _words(page_text(client.get(reverse("meetings:schedule", args=[community.slug]))))
    page = _words(page_text(client.get(reverse("meetings:detail", args=[meeting.pk]))))

    assert re.search(r"\bFormule\b", form) and re.search(r"\bFormule\b", page)
    assert not re.search(r"\bFormat\b", form + page)


def test_a_profile_of_an_mrc_has_no_nested_parentheses(client):
    member = UserFactory(organisation="MRC de Drummond", organisation_type="mrc")
    client.force_login(member)

    text = _words(page_text(client.get(reverse("members:profile"))))

    assert "MRC de Drummond" in text
    assert not _nested_parentheses(text)


def test_the_admin_adds_a_new_member_without_objet_supplementaire(client):
    client.force_login(StaffFactory())
    community = CommunityFactory()

    text = page_text(client.get(reverse("admin:communities_community_change", args=[community.pk])))

    assert "supplémentaire" not in text and "objet Nouveau" not in text
    assert "Ajouter une ligne\\u00a0: Nouveau membre" in text
