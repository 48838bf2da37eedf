"""The demo data hold a week of activity: after loading it, the digest command writes each
member their digest (what a developer running ``make run`` does to see one)."""

import pytest
from django.core import mail
from django.core.management import call_command

from digest.models import DigestSent
from members.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_week_makes_a_digest_for_each_member(run_tasks, capsys):
    call_command("load_demo_data", stdout=None)
    members_with_a_community = User.objects.filter(memberships__isnull=False).distinct().count()

    with run_tasks():
        call_command("send_weekly_digest")

    assert f"Digests written to the outbox: {members_with_a_community}" in capsys.readouterr().out
    assert DigestSent.objects.count() == members_with_a_community
    digest = next(
        message
        for message in mail.outbox
        if message.to == ["membre01@example.org"] and "Cette semaine" in message.subject
    )
    assert "GESTION DES ACTIFS MUNICIPAUX" in digest.body
    assert "Gabarit de devis de déneigement — Gabarit" in digest.body
    assert "Rencontres à venir" in digest.body

    with run_tasks():
        call_command("send_weekly_digest")
    assert DigestSent.objects.count() == members_with_a_community
