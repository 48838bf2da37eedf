"""The portal as a visitor first meets it, in the browser: the front door (the communities, the
next meetings, the latest talks, how to join), the talks page (search, filter, pages, a talk),
and a newcomer who signs up from a community's join card and comes back to it, with the live
count of the motivation box. Screenshots of the new pages at desktop and phone width, and axe
on each."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Community, JoinRequest
from meetings.models import FollowUp, FollowUpDocument
from tests.e2e.conftest import (
    PHONE,
    SCREENSHOTS,
    confirmation_link,
    field,
    navigation,
    status_message,
)
from tests.e2e.test_accessibility import assert_accessible_at_both_widths
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
)

NEWCOMER_EMAIL = "nadia.belanger@example.org"
NEWCOMER_PASSWORD = "Ponceau-Granit-2718"
CONSENT = (
    "Je consens à ce que l'association recueille et utilise les renseignements de mon profil "
    "comme le décrit la politique de confidentialité."
)
PAGE_WIDTH = "() => document.documentElement.scrollWidth"

TOPICS = [
    "Bassins de rétention",
    "Chaussées souples",
    "Ponceaux et poissons",
    "Inventaire des conduites",
    "Déneigement en régie",
    "Éclairage public DEL",
    "Plans d'intervention",
    "Réfection des trottoirs",
    "Eau potable et plomb",
    "Gestion des boues",
    "Clauses de pénalité",
    "Ingénierie partagée",
]


def _past(community, title, days_ago, **meeting_fields):
    starts_at = (timezone.now() - timedelta(days=days_ago)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    return MeetingFactory(
        community=community,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        venue_name="Salle du conseil",
        address="2, rue des Jardins, Québec",
        meeting_url="https://meet.example.org/prive",
        **meeting_fields,
    )


@pytest.fixture
def front(db):
    """Three communities (one full with a waiting list), upcoming meetings, and twelve public
    talks (one with its minutes and slides shared), one private recording."""
    # The association's three communities may be there already (a data migration makes them).
    Community.objects.all().delete()
    assets = CommunityFactory(
        slug="gestion-des-actifs-municipaux",
        name_fr="Gestion des actifs municipaux",
        name_en="Municipal asset management",
        summary_fr="Inventaires, états et plans d'intervention des infrastructures.",
        capacity=3,
    )
    contracts = CommunityFactory(
        slug="gestion-contractuelle",
        name_fr="Gestion contractuelle",
        name_en="Contract management",
        summary_fr="Appels d'offres, contrats et suivi des entrepreneurs.",
    )
    mrc = CommunityFactory(
        slug="ingenierie-municipale-mrc",
        name_fr="Ingénierie municipale dans les MRC",
        name_en="Municipal engineering in the MRCs",
        summary_fr="Services d'ingénierie partagés entre municipalités.",
    )
    LeadMembershipFactory(
        community=assets, member__first_name="Marie-Claude", member__last_name="Tremblay"
    )
    MembershipFactory.create_batch(2, community=assets)
    JoinRequestFactory.create_batch(2, community=assets)
    LeadMembershipFactory(
        community=contracts, member__first_name="Jean-François", member__last_name="Bergeron"
    )
    for first, last in (("Annie", "Pelletier"), ("Luc", "Dubé")):
        LeadMembershipFactory(community=mrc, member__first_name=first, member__last_name=last)
    MeetingFactory(community=contracts, title="Échange sur les contrats d'entretien")
    MeetingFactory(
        community=assets,
        title="Journée d'étude sur la gestion des actifs",
        format="in_person",
        meeting_url="",
        starts_at=timezone.now() + timedelta(days=20),
        ends_at=timezone.now() + timedelta(days=20, hours=4),
    )
    communities = [assets, contracts, mrc]
    talks = []
    for number, topic in enumerate(TOPICS):
        meeting = _past(communities[number % 3], topic, 10 + number * 9)
        FollowUp.objects.create(
            meeting=meeting,
            minutes="<p>Compte rendu réservé aux membres.</p>",
            recording_url=f"https://video.example.org/aimq/{meeting.pk}",
            recording_public=True,
            speakers="Julie Gagnon, ing., Centre d'expertise en infrastructures urbaines",
            public_summary=f"{topic} : ce que trois villes ont appris, chiffres à l'appui.",
            published_at=meeting.ends_at + timedelta(days=2),
        )
        talks.append(meeting)
    shared = talks[0].followup
    shared.minutes_public = shared.documents_public = True
    shared.save()
    FollowUpDocument.objects.create(
        followup=shared,
        title="Diapositives",
        file=SimpleUploadedFile("diapositives.pdf", b"%PDF-1.4 demo"),
    )
    _past(mrc, "Réservé aux membres", 4)
    FollowUp.objects.create(
        meeting=mrc.meetings.get(title="Réservé aux membres"),
        recording_url="https://video.example.org/prive",
    )
    return {"assets": assets, "contracts": contracts, "mrc": mrc, "talks": talks}


def test_the_front_door_shows_what_the_communities_do(page, front, screenshot, csp_violations):
    page.goto("/")

    main = page.get_by_role("main")
    expect(page.get_by_role("heading", name="Comment se joindre à une communauté")).to_be_visible()
    communities = page.get_by_role("region", name="Les communautés")
    assets = communities.get_by_role("article", name="Gestion des actifs municipaux")
    expect(assets).to_contain_text("Marie-Claude Tremblay")
    expect(assets).to_contain_text("Complète : 2 personnes sur la liste d'attente.")
    expect(communities.get_by_role("article", name="Gestion contractuelle")).to_contain_text(
        "14 places libres."
    )
    expect(
        communities.get_by_role("article", name="Ingénierie municipale dans les MRC")
    ).to_contain_text("Responsables")
    meetings = page.get_by_role("region", name="Prochaines rencontres")
    expect(meetings).to_contain_text("Échange sur les contrats d'entretien")
    expect(meetings).to_contain_text("Gestion contractuelle")
    expect(main).not_to_contain_text("2, rue des Jardins")
    expect(main).not_to_contain_text("meet.example.org")
    talks = page.get_by_role("region", name="Dernières conférences")
    expect(talks.get_by_role("article")).to_have_count(3)
    expect(talks).to_contain_text("Bassins de rétention")
    screenshot("front-door")
    assert_accessible_at_both_widths(page, "the front door")

    # A community's card leads to its join card.
    assets.get_by_role("link", name="S'inscrire sur la liste d'attente").click()
    expect(page.get_by_role("heading", name="Participer")).to_be_visible()
    assert csp_violations == []


def test_the_talks_page_searches_filters_and_pages(page, front, screenshot, csp_violations):
    page.goto("/")
    navigation(page).get_by_role("link", name="Conférences").click()

    expect(page.get_by_role("heading", name="Conférences", level=1)).to_be_visible()
    cards = page.get_by_role("main").get_by_role("article")
    expect(cards).to_have_count(10)
    expect(cards.first).to_contain_text("Bassins de rétention")  # the most recent
    screenshot("talks")
    assert_accessible_at_both_widths(page, "the talks page")
    pages = page.get_by_role("navigation", name="Pages des conférences")
    pages.get_by_role("link", name="Suivante").click()
    expect(cards).to_have_count(2)
    expect(pages.get_by_text("2", exact=True)).to_be_visible()

    # Filtered by community, then searched within it.
    page.get_by_label("Communauté").select_option(label="Gestion contractuelle")
    page.get_by_role("button", name="Rechercher").click()
    expect(cards).to_have_count(4)
    expect(page.get_by_role("status")).to_contain_text("4 conférences trouvées.")
    page.get_by_label("Recherche", exact=True).fill("pénalité")
    page.get_by_role("button", name="Rechercher").click()
    expect(cards).to_have_count(1)
    expect(page.get_by_label("Communauté")).to_have_value("gestion-contractuelle")
    page.get_by_label("Recherche", exact=True).fill("introuvable")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("Aucune conférence ne correspond à votre recherche.")).to_be_visible()
    screenshot("talks-nothing-found")

    # A talk's page: its recording, and its minutes and slides because they were shared.
    page.get_by_role("link", name="Effacer").click()
    cards.first.get_by_role("link", name="Bassins de rétention").click()
    expect(page.get_by_role("heading", name="Bassins de rétention", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Voir l'enregistrement")).to_have_attribute(
        "href", f"https://video.example.org/aimq/{front['talks'][0].pk}"
    )
    expect(page.get_by_role("link", name="Diapositives")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Compte rendu réservé aux membres.")
    expect(page.get_by_role("main")).not_to_contain_text("2, rue des Jardins")
    screenshot("talk")
    assert_accessible_at_both_widths(page, "a talk's page")
    assert csp_violations == []


def test_a_newcomer_signs_up_from_the_join_card_and_comes_back_to_the_community(
    page, front, screenshot, csp_violations
):
    community = front["contracts"]
    page.goto(reverse("communities:detail", args=[community.slug]))
    card = page.get_by_role("region", name="Participer")
    card.get_by_role("link", name="Créer un compte").click()

    expect(page.get_by_role("heading", name="Création de compte")).to_be_visible()
    field(page, "Courriel").fill(NEWCOMER_EMAIL)
    field(page, "Mot de passe").fill(NEWCOMER_PASSWORD)
    field(page, "Mot de passe (confirmation)").fill(NEWCOMER_PASSWORD)
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Création de compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre adresse courriel")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("courrier indésirable")

    page.goto(confirmation_link(NEWCOMER_EMAIL))
    page.get_by_role("main").get_by_role("button", name="Confirmer").click()

    # Back on the community's page, signed in, the join form in front of them.
    expect(status_message(page, f"Vous avez confirmé {NEWCOMER_EMAIL}.")).to_be_visible()
    expect(page.get_by_role("heading", name="Gestion contractuelle", level=1)).to_be_visible()
    box = field(page, "Pourquoi souhaitez-vous vous joindre à cette communauté?")
    expect(box).to_be_visible()
    assert box.get_attribute("maxlength") is None

    # The live count, then a pasted text too long: refused with a message, kept whole.
    box.fill("Je gère les appels d'offres de ma ville.")
    expect(page.locator("#id_motivation_count")).to_have_text("40 caractères sur 1 000")
    too_long = "Nous lançons plusieurs appels d'offres cette année. " * 25  # 1 300 characters
    box.fill(too_long)
    expect(page.locator("#id_motivation_count")).to_contain_text("1 300 caractères sur 1 000")
    expect(page.locator("#id_motivation_count")).to_contain_text("300 caractères de trop")
    screenshot("join-motivation-too-long")
    page.get_by_role("button", name="Demander à adhérer").click()
    expect(page.locator("#id_motivation")).to_have_value(too_long)
    expect(page.locator(".invalid-feedback")).to_contain_text(
        "Ce texte compte 1299 caractères, 1000 au plus : retirez-en 299."
    )
    assert not JoinRequest.objects.filter(member__email=NEWCOMER_EMAIL).exists()
    box.fill("Je gère les appels d'offres de ma ville.")
    page.get_by_role("button", name="Demander à adhérer").click()
    expect(page.get_by_text("Demande en attente")).to_be_visible()
    assert JoinRequest.objects.filter(member__email=NEWCOMER_EMAIL, community=community).exists()
    assert csp_violations == []


def test_on_a_phone_the_way_to_join_is_at_the_top_of_a_community_page(page, front):
    page.set_viewport_size(PHONE)
    page.goto(reverse("communities:detail", args=[front["contracts"].slug]))

    jump = page.get_by_role("link", name="Comment s'y joindre")
    expect(jump).to_be_in_viewport()
    jump.click()
    expect(page.get_by_role("link", name="Créer un compte").last).to_be_in_viewport()
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]


def test_the_new_pages_fit_a_phone_and_are_saved(page, front, sign_in, screenshot):
    lead = front["assets"].memberships.get(role="lead").member
    pages = [
        ("front-door", None, "/"),
        ("talks", None, reverse("talks:list")),
        ("talk", None, reverse("talks:detail", args=[front["talks"][0].pk])),
        (
            "community-join-card",
            None,
            reverse("communities:detail", args=["gestion-contractuelle"]),
        ),
        ("follow-up-form", lead, reverse("meetings:followup", args=[front["talks"][0].pk])),
        ("meeting-page-past", lead, reverse("meetings:detail", args=[front["talks"][0].pk])),
    ]
    too_wide = []
    for name, person, address in pages:
        page.context.clear_cookies()
        if person is not None:
            sign_in(person)
        assert page.goto(address).ok, name
        screenshot(name)
        assert (SCREENSHOTS / f"{name}-phone.png").stat().st_size > 0
        page.set_viewport_size(PHONE)
        if page.evaluate(PAGE_WIDTH) > PHONE["width"]:
            too_wide.append(f"{name}: {page.evaluate(PAGE_WIDTH)} px")
        page.set_viewport_size({"width": 1280, "height": 800})
        if person is not None:
            assert_accessible_at_both_widths(page, name)
    assert not too_wide, ", ".join(too_wide)


def test_a_member_copies_the_address_of_their_calendar_feed(page, front, sign_in, live_server):
    member = MembershipFactory(community=front["contracts"]).member
    sign_in(member)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(reverse("meetings:mine"))

    address = page.get_by_label("Adresse d'abonnement au calendrier").input_value()
    subscribe = page.get_by_role("link", name="M'abonner dans mon logiciel de calendrier")
    expect(subscribe).to_have_attribute("href", "webcal://" + address.split("://", 1)[1])
    page.get_by_role("button", name="Copier l'adresse").click()

    expect(page.get_by_role("status").filter(has_text="L'adresse est copiée")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == address
