"""The health pages, their CSV exports and the way there, through the test client."""

import csv
import html
import io

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, StaffFactory
from tests.helpers import page_text as raw_page_text

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    """The page with its entities decoded and its apostrophes straight (whichever the French
    messages use)."""
    return html.unescape(raw_page_text(response)).replace("’", "'")


def _csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig").replace("’", "'")
    return list(csv.reader(io.StringIO(text)))


def test_staff_overview_flags_the_communities_behind_target_and_states_the_rule(
    client, known_world
):
    client.force_login(StaffFactory())

    text = page_text(client.get(reverse("health:overview")))

    assert "Moins de rencontres tenues que le rythme ne l'exige" in text
    assert "Demandes d'adhésion en attente depuis plus de 14 jours" in text
    assert "Aucune rencontre en personne cette année" in text
    assert "arrondi à l'entier supérieur" in text
    assert "3 rencontres nécessaires" in text
    flagged = text.split('id="flagged-heading"')[1].split('id="all-heading"')[0]
    assert "Alpha" in flagged and "Gamma" in flagged and "Bêta" not in flagged


def test_the_overview_csv_holds_the_figures_of_every_community(client, known_world):
    client.force_login(StaffFactory())

    rows = _csv_rows(client.get(reverse("health:overview_csv")))

    assert len(rows) == 4
    assert rows[1] == [
        "Alpha", "4", "5", "2", "1", "5", "4", "7.0", "2", "oui", "2", "4", "3", "5.0",
        "Moins de rencontres tenues que le rythme ne l'exige ; "
        "Demandes d'adhésion en attente depuis plus de 14 jours",
    ]  # fmt: skip
    assert rows[3][0] == "Gamma"


def test_a_community_name_that_looks_like_a_formula_stays_text_in_the_csv(client, known_world):
    known_world["gamma"].name_fr = '=HYPERLINK("https://example.com","Gamma")'
    known_world["gamma"].save()
    client.force_login(StaffFactory())

    rows = _csv_rows(client.get(reverse("health:overview_csv")))

    assert [row[0] for row in rows[1:]] == [
        '\'=HYPERLINK("https://example.com","Gamma")',
        "Alpha",
        "Bêta",
    ]


def test_a_lead_sees_their_communitys_page_with_its_accessible_charts(client, known_world):
    client.force_login(known_world["alpha_lead"])

    response = client.get(reverse("health:community", args=["alpha"]))

    text = page_text(response)
    assert response.status_code == 200
    assert text.count('role="img"') == 2
    assert (
        '<title id="attendance-chart-title">Présence par rencontre, 12 derniers mois</title>'
        in text
    )
    assert 'aria-labelledby="attendance-chart-title attendance-chart-desc"' in text
    assert '<title id="activity-chart-title">' in text
    # Three meetings' bars: 4 in the room; 3 online; 2 in the room and 1 online.
    assert text.count('<rect class="chart-in-person"') == 2
    assert text.count('<rect class="chart-online"') == 2
    # The same figures as a table.
    assert "<summary>Les chiffres sous forme de tableau</summary>" in text
    assert "12 mai 2026 – Rencontre du 2026-05-12" in text


def test_a_community_without_activity_says_so(client, known_world):
    client.force_login(StaffFactory())

    text = page_text(client.get(reverse("health:community", args=["gamma"])))

    assert "Aucune rencontre tenue dans les 12 derniers mois." in text
    assert "Aucune ressource, question ou réponse dans les 12 derniers mois." in text


def test_the_community_csv_holds_the_key_figures_attendance_and_activity(client, known_world):
    client.force_login(known_world["alpha_lead"])

    rows = _csv_rows(client.get(reverse("health:community_csv", args=["alpha"])))

    assert rows[0] == ["Section", "Élément", "Chiffre", "Valeur"]
    assert ["Chiffres clés 2026", "", "Membres", "4"] in rows
    assert ["Chiffres clés 2026", "", "Délai médian de décision (jours)", "7.0"] in rows
    attendance = [row for row in rows if row[0] == "Présence par rencontre"]
    assert attendance == [
        ["Présence par rencontre", "2025-09-15 Rencontre du 2025-09-15", "En personne", "4"],
        ["Présence par rencontre", "2025-09-15 Rencontre du 2025-09-15", "En ligne", "0"],
        ["Présence par rencontre", "2026-02-10 Rencontre du 2026-02-10", "En personne", "0"],
        ["Présence par rencontre", "2026-02-10 Rencontre du 2026-02-10", "En ligne", "3"],
        ["Présence par rencontre", "2026-05-12 Rencontre du 2026-05-12", "En personne", "2"],
        ["Présence par rencontre", "2026-05-12 Rencontre du 2026-05-12", "En ligne", "1"],
    ]
    assert ["Activité par mois", "2026-01", "Réponses", "2"] in rows


@pytest.mark.parametrize("who", ["member", "beta_lead"])
def test_a_member_or_another_communitys_lead_may_not_see_a_communitys_health(
    client, known_world, who
):
    user = (
        MembershipFactory(community=known_world["alpha"]).member
        if who == "member"
        else known_world["beta_lead"]
    )
    client.force_login(user)

    assert client.get(reverse("health:community", args=["alpha"])).status_code == 403
    assert client.get(reverse("health:community_csv", args=["alpha"])).status_code == 403
    assert client.get(reverse("health:overview")).status_code == 403


def test_staff_reach_the_overview_from_the_account_menu(client, known_world):
    client.force_login(StaffFactory())

    assert f'href="{reverse("health:overview")}"' in page_text(client.get(reverse("home")))


def test_a_lead_reaches_their_communitys_health_from_the_community_page(client, known_world):
    url = reverse("health:community", args=["alpha"])
    client.force_login(known_world["alpha_lead"])
    assert f'href="{url}"' in page_text(client.get(reverse("communities:detail", args=["alpha"])))

    client.force_login(MembershipFactory(community=known_world["alpha"]).member)
    text = page_text(client.get(reverse("communities:detail", args=["alpha"])))
    assert f'href="{url}"' not in text
    assert reverse("health:overview") not in text
