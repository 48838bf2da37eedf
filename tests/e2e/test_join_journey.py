"""Joining a community, in the browser, as people do it: a newcomer signs up, confirms the
e-mail from the link in the message, completes the profile and asks to join; the lead approves
in the inbox; the new member sees the community and its members. And a member who asks to join
a full community is put on its waiting list.

The pages are in French, the portal's first language; the texts are the French catalogue's."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from communities.models import JoinRequest, JoinRequestStatus, Membership
from members.models import User
from tests.e2e.conftest import (
    confirmation_link,
    field,
    log_in,
    log_out,
    mails_to,
    navigation,
    status_message,
)
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MembershipFactory,
    UserFactory,
)

NEWCOMER_EMAIL = "nadia.belanger@example.org"
NEWCOMER_PASSWORD = "Ponceau-Granit-2718"
CONSENT = (
    "Je consens à ce que l'association recueille et utilise les renseignements de mon profil "
    "comme le décrit la politique de confidentialité."
)


@pytest.fixture
def community(db):
    return CommunityFactory(
        slug="gestion-des-eaux",
        name_fr="Gestion des eaux pluviales",
        name_en="Storm water management",
        summary_fr="Bassins, noues et ouvrages de rétention.",
        capacity=5,
    )


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(
        community=community,
        member__email="louise.lavoie@example.org",
        member__first_name="Louise",
        member__last_name="Lavoie",
        member__organisation="Ville de Trois-Rivières",
    ).member


def test_newcomer_signs_up_joins_and_is_approved_by_the_lead(
    page, screenshot, csp_violations, community, lead
):
    # The newcomer signs up from the home page.
    page.goto("/")
    page.get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", name="Création de compte")).to_be_visible()
    field(page, "Courriel").fill(NEWCOMER_EMAIL)
    field(page, "Mot de passe").fill(NEWCOMER_PASSWORD)
    field(page, "Mot de passe (confirmation)").fill(NEWCOMER_PASSWORD)
    page.get_by_label(CONSENT).check()
    screenshot("journey-signup-form")
    page.get_by_role("button", name="Création de compte").click()

    expect(page.get_by_role("heading", name="Vérifiez votre adresse courriel")).to_be_visible()
    newcomer = User.objects.get(email=NEWCOMER_EMAIL)
    assert EmailAddress.objects.get(user=newcomer).verified is False
    assert newcomer.preferred_language == "fr-ca"

    # The link in the confirmation e-mail opens a page that asks to confirm.
    page.goto(confirmation_link(NEWCOMER_EMAIL))
    expect(page.get_by_role("heading", name="Confirmer l'adresse courriel")).to_be_visible()
    page.get_by_role("main").get_by_role("button", name="Confirmer").click()

    expect(status_message(page, f"Vous avez confirmé {NEWCOMER_EMAIL}.")).to_be_visible()
    assert EmailAddress.objects.get(user=newcomer).verified is True
    # Signed in, on the home page that asks for the rest of the profile.
    expect(navigation(page).get_by_role("button", name=NEWCOMER_EMAIL)).to_be_visible()
    expect(
        page.get_by_text("Complétez votre profil pour que les communautés sachent qui vous êtes.")
    ).to_be_visible()
    screenshot("journey-signup-confirmed")

    # The profile.
    page.get_by_role("link", name="Compléter mon profil").click()
    expect(page.get_by_role("heading", name="Modifier mon profil")).to_be_visible()
    field(page, "Prénom").fill("Nadia")
    field(page, "Nom").fill("Bélanger")
    field(page, "Titre d'emploi").fill("Ingénieure de projets")
    field(page, "Organisation").fill("Ville de Shawinigan")
    field(page, "Type d'organisme").select_option(label="Municipalité")
    field(page, "Région administrative").select_option(label="Mauricie")
    field(page, "Téléphone").fill("819 555-0142")
    field(page, "Autres domaines d'expertise").fill("Eaux pluviales, plans d'intervention")
    page.get_by_role("button", name="Enregistrer").click()

    expect(status_message(page, "Votre profil a été enregistré.")).to_be_visible()
    expect(page.get_by_role("heading", name="Mon profil")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Nadia Bélanger")
    expect(main).to_contain_text("Ville de Shawinigan (Municipalité)")
    expect(main).to_contain_text("Mauricie")
    expect(main).not_to_contain_text("Votre profil est incomplet")
    expect(navigation(page).get_by_role("button", name="Nadia Bélanger")).to_be_visible()
    newcomer.refresh_from_db()
    assert (newcomer.first_name, newcomer.last_name) == ("Nadia", "Bélanger")
    assert (newcomer.organisation, newcomer.region) == ("Ville de Shawinigan", "04")
    assert newcomer.profile_is_complete
    screenshot("journey-signup-profile")

    # The request to join.
    navigation(page).get_by_role("link", name="Communautés", exact=True).click()
    expect(page.get_by_role("heading", name="Communautés de pratique")).to_be_visible()
    page.get_by_role("link", name="Gestion des eaux pluviales").click()
    expect(page.get_by_role("heading", name="Gestion des eaux pluviales", level=1)).to_be_visible()
    # Not a member yet: the members are not shown.
    expect(page.get_by_role("heading", name="Membres")).to_have_count(0)
    field(page, "Pourquoi souhaitez-vous vous joindre à cette communauté?").fill(
        "Je prépare le plan de gestion des eaux pluviales de Shawinigan."
    )
    page.get_by_role("button", name="Demander à adhérer").click()

    expect(
        status_message(
            page,
            "Votre demande d'adhésion à la communauté Gestion des eaux pluviales a été "
            "transmise à ses responsables.",
        )
    ).to_be_visible()
    expect(page.get_by_text("Demande en attente")).to_be_visible()
    expect(page.get_by_role("button", name="Retirer ma demande")).to_be_visible()
    join_request = JoinRequest.objects.get(member=newcomer, community=community)
    assert join_request.status == JoinRequestStatus.PENDING
    assert (
        join_request.motivation == "Je prépare le plan de gestion des eaux pluviales de Shawinigan."
    )
    assert [m.subject for m in mails_to(lead.email)] == [
        "[AIMQ] Nadia Bélanger demande à adhérer à Gestion des eaux pluviales"
    ]
    screenshot("journey-join-requested")
    log_out(page, "Nadia Bélanger")

    # The lead finds the request in the inbox and approves it.
    log_in(page, lead.email, PASSWORD)
    inbox_link = navigation(page).get_by_role("link", name=re.compile(r"^Demandes"))
    expect(inbox_link).to_contain_text("1")
    inbox_link.click()
    expect(page.get_by_role("heading", name="Demandes d'adhésion à traiter")).to_be_visible()
    request_card = page.get_by_role(
        "article", name="Nadia Bélanger demande à adhérer à Gestion des eaux pluviales"
    )
    expect(request_card).to_contain_text("Ville de Shawinigan")
    expect(request_card).to_contain_text("Je prépare le plan de gestion des eaux pluviales")
    screenshot("journey-lead-inbox")
    request_card.get_by_label("Message au membre (facultatif)").fill("Bienvenue, Nadia!")
    request_card.get_by_role("button", name="Approuver Nadia Bélanger").click()

    expect(
        status_message(
            page,
            "Nadia Bélanger est maintenant membre de la communauté Gestion des eaux pluviales.",
        )
    ).to_be_visible()
    expect(page.get_by_text("Aucune demande n'attend de décision.")).to_be_visible()
    expect(navigation(page).get_by_role("link", name=re.compile(r"^Demandes"))).not_to_contain_text(
        "1"
    )
    assert Membership.objects.filter(community=community, member=newcomer).exists()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    welcome = mails_to(NEWCOMER_EMAIL)[-1]
    assert "Gestion des eaux pluviales" in welcome.subject
    assert "Bienvenue, Nadia!" in welcome.body
    log_out(page, "Louise Lavoie")

    # The new member sees the community and its members.
    log_in(page, NEWCOMER_EMAIL, NEWCOMER_PASSWORD)
    page.get_by_role("region", name="Mes communautés").get_by_role(
        "link", name="Gestion des eaux pluviales"
    ).click()
    expect(page.get_by_text("Vous êtes membre", exact=True)).to_be_visible()
    expect(page.get_by_text("Vous êtes membre de cette communauté.")).to_be_visible()
    members = page.get_by_role("region", name="Membres").get_by_role("row")
    expect(members.filter(has_text="Louise Lavoie")).to_contain_text("Responsable")
    expect(members.filter(has_text="Nadia Bélanger")).to_contain_text("Ville de Shawinigan")
    screenshot("journey-join-member")
    assert csp_violations == []


def test_member_asking_to_join_a_full_community_is_put_on_its_waiting_list(
    page, screenshot, csp_violations
):
    community = CommunityFactory(
        slug="genie-mrc", name_fr="Génie municipal dans les MRC", capacity=2
    )
    LeadMembershipFactory(community=community)
    MembershipFactory(community=community)
    JoinRequestFactory(community=community)  # someone already waits
    member = UserFactory(first_name="Mathieu", last_name="Gagnon")

    log_in(page, member.email, PASSWORD)
    navigation(page).get_by_role("link", name="Communautés", exact=True).click()
    card = page.get_by_role("article").filter(has_text="Génie municipal dans les MRC")
    expect(card).to_contain_text("2 / 2")
    expect(card).to_contain_text("Complète (liste d'attente)")
    card.get_by_role("link", name="Génie municipal dans les MRC").click()

    expect(
        page.get_by_text(
            "La communauté est complète : votre demande sera placée sur sa liste d'attente."
        )
    ).to_be_visible()
    field(page, "Pourquoi souhaitez-vous vous joindre à cette communauté?").fill(
        "Je coordonne les travaux de voirie de la MRC."
    )
    page.get_by_role("button", name="Demander à adhérer").click()

    expect(
        page.get_by_role("alert").filter(
            has_text="La communauté Génie municipal dans les MRC est complète : votre demande "
            "est sur sa liste d'attente, au rang 2."
        )
    ).to_be_visible()
    expect(page.get_by_text("Sur la liste d'attente, position 2")).to_be_visible()
    expect(
        page.get_by_text(
            "La communauté est complète. Votre demande est sur sa liste d'attente, en position 2."
        )
    ).to_be_visible()
    join_request = JoinRequest.objects.get(community=community, member=member)
    assert join_request.status == JoinRequestStatus.PENDING
    assert not Membership.objects.filter(community=community, member=member).exists()
    screenshot("journey-waiting-list")

    # The home page keeps the position in view.
    navigation(page).get_by_role("link", name="Accueil").click()
    expect(page.get_by_role("region", name="Mes demandes d'adhésion")).to_contain_text(
        "Génie municipal dans les MRC — liste d'attente, position 2"
    )
    assert csp_violations == []
