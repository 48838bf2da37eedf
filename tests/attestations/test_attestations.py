"""The attestation as a PDF (read back), its verification code, and the public page that checks
it; the attestations in the member's data and after their account closes."""

import json
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from attestations.models import CODE_ALPHABET, Attestation
from members.services import account_close
from tests.attestations.conftest import at, attended

pytestmark = pytest.mark.django_db


def _download(client, year: int):
    return client.post(reverse("attestations:download", args=[year]))


def _text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    """The PDF's text with its line breaks and no-break spaces as plain spaces."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


@pytest.fixture
def year_2026(engineer, community):
    attended(engineer, community, at(2026, 3, 4), hours=3, title="Ponceaux : l'hiver & après")
    attended(
        engineer,
        community,
        at(2026, 10, 14, 9),
        hours=7,
        title="Journée d'étude sur les chaussées",
        education_hours=Decimal("5.5"),
    )
    attended(engineer, community, at(2025, 11, 3), hours=2, title="Une autre année")


def test_the_pdf_holds_the_name_each_activity_and_the_total(engineer_client, year_2026):
    text = _flat(_text(_download(engineer_client, 2026)))

    assert "Hélène Côté-Bégin" in text
    assert "Association des ingénieurs municipaux du Québec" in text
    assert "2026-03-04" in text and "Ponceaux : l'hiver & après" in text
    assert "2026-10-14" in text and "Journée d'étude sur les chaussées" in text
    assert "Gestion des actifs municipaux" in text
    assert "Une autre année" not in text
    assert "Total 8,5" in text
    assert "6 décembre 2026" in text  # the date of issue
    attestation = Attestation.objects.get()
    assert attestation.display_code in text
    assert f"/attestations/verifier/{attestation.code}/" in text.replace(" ", "")


def test_french_letters_and_apostrophes_survive_in_the_pdf(engineer_client, engineer, community):
    attended(engineer, community, at(2026, 5, 4), title="Été, à côté : ça va, l’hôtel « ô »")

    text = _flat(_text(_download(engineer_client, 2026)))

    assert "Été, à côté : ça va, l’hôtel « ô »" in text


def test_the_pdf_is_in_the_members_language(engineer_client, engineer, year_2026):
    engineer.preferred_language = "en"
    engineer.save()

    text = _flat(_text(_download(engineer_client, 2026)))

    assert "Continuing-education attestation 2026" in text
    assert "8.5" in text


def test_the_attestation_records_its_code_and_what_it_attests(engineer_client, engineer, year_2026):
    _download(engineer_client, 2026)

    attestation = Attestation.objects.get()
    assert (attestation.member, attestation.year) == (engineer, 2026)
    assert (attestation.hours, attestation.activity_count) == (Decimal("8.50"), 2)
    assert attestation.holder_name == "Hélène Côté-Bégin"
    assert len(attestation.code) >= 12 and set(attestation.code) <= set(CODE_ALPHABET)


def test_downloading_again_gives_the_same_code(engineer_client, year_2026):
    first = _text(_download(engineer_client, 2026))
    second = _text(_download(engineer_client, 2026))

    assert Attestation.objects.count() == 1
    assert Attestation.objects.get().display_code in first and first == second


def test_a_new_meeting_attended_gives_a_new_code(engineer_client, engineer, community, year_2026):
    _download(engineer_client, 2026)
    attended(engineer, community, at(2026, 11, 20), hours=2)

    _download(engineer_client, 2026)

    first, second = Attestation.objects.order_by("pk")
    assert first.code != second.code
    assert (first.hours, second.hours) == (Decimal("8.50"), Decimal("10.50"))


def test_no_attestation_for_a_year_without_meetings(engineer_client, year_2026):
    response = _download(engineer_client, 2024)

    assert response.status_code == 404
    assert not Attestation.objects.exists()


def test_the_attestation_is_downloaded_with_a_post_only(engineer_client, year_2026):
    response = engineer_client.get(reverse("attestations:download", args=[2026]))

    assert response.status_code == 405
    assert not Attestation.objects.exists()


def test_the_page_offers_each_years_attestation(engineer_client, year_2026):
    page = engineer_client.get(reverse("attestations:mine")).content.decode()

    assert reverse("attestations:download", args=[2026]) in page
    assert reverse("attestations:download", args=[2025]) in page


# The public verification page


def test_anyone_checks_a_genuine_code_by_its_link(client, engineer_client, year_2026):
    _download(engineer_client, 2026)
    attestation = Attestation.objects.get()
    client.logout()

    response = client.get(reverse("attestations:verify_code", args=[attestation.code]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Attestation authentique" in page
    assert "Hélène Côté-Bégin" in page and "2026" in page and "8,5" in page
    assert "6 décembre 2026" in page


def test_the_verification_page_shows_nothing_else(client, engineer, engineer_client, year_2026):
    _download(engineer_client, 2026)
    attestation = Attestation.objects.get()
    client.logout()

    page = client.get(reverse("attestations:verify_code", args=[attestation.code]))

    text = page.content.decode()
    for private in ("Ponceaux", "Journée d", "Gestion des actifs", engineer.email):
        assert private not in text


def test_the_form_accepts_the_code_as_printed_or_typed(client, engineer_client, year_2026):
    _download(engineer_client, 2026)
    attestation = Attestation.objects.get()
    client.logout()
    typed = attestation.display_code.lower().replace("-", " ")

    response = client.get(reverse("attestations:verify"), {"code": typed})

    assert response.status_code == 200
    assert "Hélène Côté-Bégin" in response.content.decode()


def test_an_unknown_code_is_said_so_clearly(client):
    response = client.get(reverse("attestations:verify"), {"code": "ABCD-EFGH-JKMN"})

    assert response.status_code == 200
    assert "Aucune attestation ne porte ce code" in response.content.decode()


def test_an_unknown_code_by_its_link_is_not_found(client):
    response = client.get(reverse("attestations:verify_code", args=["ABCDEFGHJKMN"]))

    assert response.status_code == 404
    assert "Aucune attestation ne porte ce code" in response.content.decode()


def test_an_empty_code_is_asked_again(client):
    response = client.get(reverse("attestations:verify"), {"code": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_trying_codes_in_bulk_is_refused(client):
    for _attempt in range(30):
        client.get(reverse("attestations:verify_code", args=["ABCDEFGHJKMN"]))

    response = client.get(reverse("attestations:verify_code", args=["ABCDEFGHJKMP"]))

    assert response.status_code == 429


# Personal data


def test_the_attestations_are_in_the_members_data(engineer_client, year_2026):
    _download(engineer_client, 2026)

    data = json.loads(engineer_client.get(reverse("members:data_export")).content)

    [exported] = data["continuing_education_attestations"]
    assert exported["verification_code"] == Attestation.objects.get().display_code
    assert (exported["year"], exported["hours"]) == (2026, "8.50")


def test_a_closed_accounts_attestation_stays_genuine_without_a_name(
    client, engineer, engineer_client, year_2026
):
    _download(engineer_client, 2026)
    attestation = Attestation.objects.get()

    account_close(user=engineer)

    attestation.refresh_from_db()
    assert (attestation.member, attestation.holder_name) == (None, "")
    page = client.get(reverse("attestations:verify_code", args=[attestation.code]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "dont le compte est fermé" in text and "Côté-Bégin" not in text


def test_the_admin_lists_attestations_read_only(engineer_client, staff, year_2026):
    _download(engineer_client, 2026)
    attestation = Attestation.objects.get()
    staff_client = Client()
    staff_client.force_login(staff)

    listing = staff_client.get(reverse("admin:attestations_attestation_changelist"))
    change = staff_client.post(
        reverse("admin:attestations_attestation_change", args=[attestation.pk]), {"year": 2020}
    )

    assert attestation.code in listing.content.decode()
    assert change.status_code == 403
    attestation.refresh_from_db()
    assert attestation.year == 2026


def test_the_closure_page_says_the_attestations_stay_without_the_name(engineer_client, year_2026):
    _download(engineer_client, 2026)

    page = engineer_client.get(reverse("members:account_close")).content.decode()

    assert "reste vérifiable avec son code, sans votre nom" in page


def test_a_member_without_a_name_is_never_shown_by_address(client, engineer, engineer_client):
    engineer.first_name = engineer.last_name = ""
    engineer.save()
    attended(engineer, engineer.memberships.get().community, at(2026, 5, 4))
    _download(engineer_client, 2026)
    attestation = Attestation.objects.get()
    client.logout()

    page = client.get(reverse("attestations:verify_code", args=[attestation.code]))

    assert page.status_code == 200 and engineer.email not in page.content.decode()
