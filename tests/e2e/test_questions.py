"""Questions to peers in the browser: a member finds no question yet and asks one, urgent; a
peer finds it first in the list and answers; the member marks that answer as the one that
solved the question. Measured by axe at desktop and phone width, and saved as screenshots."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import field, status_message
from tests.e2e.test_accessibility import assert_accessible_at_both_widths
from tests.factories import CommunityFactory, LeadMembershipFactory, MembershipFactory


@pytest.fixture
def community(db):
    return CommunityFactory(slug="voirie", name_fr="Voirie municipale", name_en="Municipal roads")


def test_a_member_asks_a_peer_answers_and_the_author_marks_it_solved(
    page, sign_in, community, screenshot
):
    LeadMembershipFactory(community=community, member__first_name="Louise")
    asker = MembershipFactory(
        community=community, member__first_name="Annie", member__last_name="Gagnon"
    ).member
    peer = MembershipFactory(
        community=community, member__first_name="Luc", member__last_name="Tremblay"
    ).member

    sign_in(asker)
    page.goto(reverse("communities:detail", args=[community.slug]))
    page.get_by_role("link", name="Voir les questions").click()
    expect(page.get_by_text("Aucune question n'a encore été posée ici.")).to_be_visible()
    assert_accessible_at_both_widths(page, "the empty questions list")
    screenshot("questions-empty")

    page.get_by_role("link", name="Poser une question").click()
    field(page, "Question").fill("Ponceau effondré après l’orage : réparation temporaire ?")
    field(page, "Précisions").fill(
        "Un ponceau de 1 200 mm s’est effondré sous le rang 4. La route est fermée."
    )
    page.get_by_label("Urgente").check()
    assert_accessible_at_both_widths(page, "the question form")
    screenshot("question-form")
    page.get_by_role("button", name="Poser la question").click()
    expect(status_message(page, "Votre question est posée à la communauté.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ponceau effondré après l’orage")).to_be_visible()

    sign_in(peer)
    page.goto(reverse("questions:list", args=[community.slug]) + "?status=urgent")
    page.get_by_role("link", name="Ponceau effondré après l’orage").click()
    field(page, "Votre réponse").fill(
        "Nous avons loué un pont Bailey l’an dernier : installé en quatre jours."
    )
    page.get_by_role("button", name="Publier la réponse").click()
    expect(status_message(page, "Votre réponse est publiée.")).to_be_visible()
    # Its author may still edit it for a while; nobody else sees the button.
    expect(page.get_by_role("link", name="Modifier", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Cette réponse a résolu ma question")).to_have_count(0)

    sign_in(asker)
    page.reload()
    page.get_by_role("button", name="Cette réponse a résolu ma question").click()
    expect(
        status_message(page, "La question est indiquée comme résolue par cette réponse.")
    ).to_be_visible()
    expect(page.get_by_text("A résolu la question")).to_be_visible()
    expect(page.get_by_role("button", name="Retirer la mention")).to_be_visible()
    assert_accessible_at_both_widths(page, "the solved question")
    screenshot("question-solved")

    page.goto(reverse("questions:list", args=[community.slug]))
    expect(page.get_by_text("Résolue", exact=True)).to_be_visible()
    expect(page.get_by_text("1 réponse")).to_be_visible()
    assert_accessible_at_both_widths(page, "the questions list")
    screenshot("questions")
