"""Continuing education in the browser: a member opens their page (meetings attended, hours,
totals), downloads the year's attestation as a PDF, and a visitor checks its code on the public
page. Measured by axe at desktop and phone width and saved as screenshots."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from attestations.models import Attestation
from meetings.models import Attendance
from meetings.services import LOCAL_ZONE
from tests.e2e.conftest import field
from tests.e2e.test_accessibility import assert_accessible_at_both_widths
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory


@pytest.fixture
def member(db):
    community = CommunityFactory(name_fr="Gestion des actifs municipaux")
    member = MembershipFactory(
        community=community, member__first_name="Hélène", member__last_name="Côté"
    ).member
    # Three meetings of this year (the page opens on the latest year), the last one with the
    # hours its lead set; all in the past, whatever the day the test runs.
    today = timezone.localdate(timezone.now(), LOCAL_ZONE)
    for days, title, hours, set_hours in (
        (3, "Inventaire des conduites", 3, None),
        (2, "Journée d'étude sur les chaussées", 7, Decimal("5.5")),
        (1, "Ponceaux : bilan de l'été", 2, None),
    ):
        day = max(today - timedelta(days=days), today.replace(month=1, day=1))
        starts_at = datetime.combine(day, time(9 + days), tzinfo=LOCAL_ZONE)
        meeting = MeetingFactory(
            community=community,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            education_hours=set_hours,
        )
        Attendance.objects.create(meeting=meeting, member=member, mode="in_person")
    return member


def test_a_member_downloads_an_attestation_and_a_visitor_checks_it(
    page, sign_in, member, screenshot
):
    year = timezone.localdate(timezone.now(), LOCAL_ZONE).year
    sign_in(member)
    page.goto(reverse("attestations:mine"))

    expect(page.get_by_role("heading", name="Ma formation continue")).to_be_visible()
    expect(page.get_by_role("cell", name="Journée d'étude sur les chaussées")).to_be_visible()
    expect(page.get_by_text("fixées par le responsable")).to_be_visible()
    expect(page.get_by_text("La période en cours va du 1er avril")).to_be_visible()
    assert_accessible_at_both_widths(page, "the continuing-education page")
    screenshot("attestations-mine")

    with page.expect_download() as download_info:
        page.get_by_role("button", name=f"Attestation {year} (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"attestation-aimq-{year}.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "Hélène Côté" in text and "10,5" in text
    attestation = Attestation.objects.get()
    assert attestation.display_code in text

    # A visitor (an employer, the professional order) types the code as printed.
    page.context.clear_cookies()
    page.goto(reverse("attestations:verify"))
    assert_accessible_at_both_widths(page, "the verification form")
    field(page, "Code de vérification").fill(attestation.display_code)
    page.get_by_role("button", name="Vérifier").click()

    expect(page.get_by_role("heading", name="Attestation authentique")).to_be_visible()
    expect(page.get_by_text("Hélène Côté")).to_be_visible()
    expect(page.get_by_text("Inventaire des conduites")).to_have_count(0)
    assert_accessible_at_both_widths(page, "a genuine attestation")
    screenshot("attestations-verified")

    field(page, "Code de vérification").fill("ABCD-EFGH-JKMN")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("heading", name="Aucune attestation ne porte ce code")).to_be_visible()
    assert_accessible_at_both_widths(page, "an unknown code")
    screenshot("attestations-unknown")


def test_a_member_who_attended_nothing_sees_how_it_works(page, sign_in, db, screenshot):
    newcomer = MembershipFactory().member
    sign_in(newcomer)
    page.goto(reverse("attestations:mine"))

    expect(page.get_by_role("heading", name="Aucune rencontre pour l'instant")).to_be_visible()
    assert_accessible_at_both_widths(page, "the empty continuing-education page")
    screenshot("attestations-empty")
