"""Agendas and minutes kept as typed: formatted the same on the page, in e-mails (text part as
typed, HTML part formatted) and in calendar files (as typed); a preview on the meeting form;
the agendas stored as HTML before are turned into that text by a data migration."""

import importlib
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.formatting import to_html, to_plain_text
from meetings.models import FollowUp, Meeting
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

AGENDA = """Ordre du jour :
1. Tour de table
2. **Bilan** du *plan* d'intervention
   - conduites
   - chaussées

Documents : https://example.org/guide.
Salle 2, porte de côté"""

migration = importlib.import_module("meetings.migrations.0006_agenda_and_minutes_kept_as_typed")


# The formatting itself


def test_lines_lists_bold_italic_and_links_are_kept_as_typed():
    html = to_html(AGENDA)

    assert html == (
        "<p>Ordre du jour :</p>\n<ol>\n<li>Tour de table</li>\n"
        "<li><strong>Bilan</strong> du <em>plan</em> d'intervention\n<ul>\n"
        "<li>conduites</li>\n<li>chaussées</li>\n</ul>\n</li>\n</ol>\n"
        '<p>Documents : <a href="https://example.org/guide" rel="noopener noreferrer nofollow">'
        "https://example.org/guide</a>.<br>\nSalle 2, porte de côté</p>"
    )


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[cliquez](javascript:alert(1))",
        "![image](https://tracker.example.org/pixel.png)",
        '<a href="https://x.org" onclick="alert(1)">x</a>',
        "<style>body{display:none}</style>",
    ],
)
def test_nothing_typed_becomes_a_script_an_image_or_a_style(typed):
    tags = _Tags()
    tags.feed(to_html(typed))

    assert tags.found, "the text is shown, in a paragraph"
    for tag, attributes in tags.found:
        assert tag in {"p", "a", "br"}, tag
        for name, value in attributes:
            assert name in {"href", "rel"}, name
            assert name != "href" or value.startswith("https://"), value


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def test_headings_quotes_and_code_are_not_markdown_here():
    html = to_html("# Titre\n> citation\n    code\n`x`")

    assert "<h1" not in html and "<blockquote" not in html and "<code" not in html
    assert "# Titre" in html and "&gt; citation" in html


def test_plain_text_is_the_typed_text_with_its_line_ends_tidied():
    assert to_plain_text("  Un  \r\n\r\n- deux \r- trois\n") == "Un\n\n- deux\n- trois"


# Where it shows


def test_the_meeting_page_shows_a_multi_line_agenda_as_typed(client, community):
    meeting = MeetingFactory(community=community, agenda=AGENDA)

    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()

    assert '<div class="agenda formatted-text">' + to_html(AGENDA) + "</div>" in html


def test_minutes_are_shown_formatted(client, community, fellow):
    starts_at = timezone.now() - timedelta(days=2)
    meeting = MeetingFactory(
        community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    FollowUp.objects.create(meeting=meeting, minutes="Décisions :\n- budget\n- calendrier")
    client.force_login(fellow)  # minutes are for the members unless the lead shares them

    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()

    assert "<li>budget</li>\n<li>calendrier</li>" in html


def test_the_invitation_carries_the_agenda_as_typed_and_formatted(
    run_tasks, community, lead, fellow, meeting_fields
):
    meeting_fields["agenda"] = AGENDA
    with run_tasks():
        services.meeting_schedule(community=community, scheduled_by=lead, **meeting_fields)

    invitation = next(message for message in mail.outbox if fellow.email in message.to)
    assert "Ordre du jour\xa0:\n" + AGENDA + "\n\n" in invitation.body  # label, then agenda
    html = invitation.alternatives[0][0]
    assert to_html(AGENDA) in html
    assert "**Bilan**" not in html and "\ue000" not in html


def test_the_reminder_carries_the_agenda_too(run_tasks, community, fellow):
    meeting = MeetingFactory(community=community, agenda="- Bilan\n- Projets")
    with run_tasks():
        services.reminders_enqueue_due(now=meeting.starts_at - timedelta(days=1))

    reminder = next(message for message in mail.outbox if fellow.email in message.to)
    assert "- Bilan\n- Projets" in reminder.body
    assert "<li>Bilan</li>" in reminder.alternatives[0][0]


# The preview on the meeting form


def test_the_preview_shows_the_agenda_formatted_and_saves_nothing(client, lead, community):
    client.force_login(lead)

    response = client.post(
        reverse("meetings:schedule", args=[community.slug]),
        {"title": "Bilan", "agenda": AGENDA, "lunch_provided": "on", "preview": "1"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert to_html(AGENDA) in html
    assert "is-invalid" not in html  # still being written: no errors yet
    form = response.context["form"]
    assert form["title"].value() == "Bilan" and form["agenda"].value() == AGENDA
    assert form["lunch_provided"].value() is True
    assert not Meeting.objects.exists()
    assert mail.outbox == []


def test_the_preview_on_the_edit_form_changes_nothing(client, lead, community):
    meeting = MeetingFactory(community=community, agenda="Avant")
    client.force_login(lead)

    response = client.post(
        reverse("meetings:edit", args=[meeting.pk]), {"agenda": "Après\n- un", "preview": "1"}
    )

    assert "<li>un</li>" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).agenda == "Avant"


# The agendas stored as HTML before


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("<p>Tour de table</p>", "Tour de table"),
        (
            "<p>Tour de table des municipalités.</p><ul><li>Un cas</li><li>Discussion</li></ul>",
            "Tour de table des municipalités.\n\n- Un cas\n- Discussion",
        ),
        ("<p>Ligne 1<br>Ligne 2</p><p>Fin &amp; suite</p>", "Ligne 1\nLigne 2\n\nFin & suite"),
        (
            "<h3>Points</h3><ol><li>Un<ul><li>sous</li></ul></li><li>Deux</li></ol>",
            "**Points**\n\n1. Un\n   - sous\n2. Deux",
        ),
        (
            '<p><strong>Gras</strong> <em>it</em> <a href="https://x.org/a_b">lien</a></p>',
            "**Gras** *it* [lien](https://x.org/a_b)",
        ),
        # What would mean something in Markdown stays as it was shown.
        ("<p>1. pas une liste<br>- non plus<br>a*b [c] snake_case</p>", None),
    ],
)
def test_stored_html_becomes_the_text_a_lead_would_have_typed(stored, typed):
    text = migration.html_to_text(stored)

    if typed is not None:
        assert text == typed
    # Shown as it was: the same tags, in the same order, around the same words.
    assert _tags_and_words(to_html(text)) == _tags_and_words(stored.replace("h3>", "strong>"))


def _tags_and_words(html: str) -> list[str]:
    import re
    from html import unescape

    html = re.sub(r' rel="[^"]*"', "", html)
    return [
        part
        for part in re.split(r"(<[^>]+>)|\s+", unescape(html))
        if part and part.strip() and part not in ("<p>", "</p>")
    ]


def test_the_data_migration_turns_stored_html_into_text_and_back(community):
    from django.apps import apps

    meeting = MeetingFactory(community=community, agenda="<p>Un</p><ul><li>deux</li></ul>")
    FollowUp.objects.create(meeting=meeting, minutes="<p>Fait &amp; dit</p>")

    migration._forwards(apps, None)
    meeting.refresh_from_db()
    assert meeting.agenda == "Un\n\n- deux"
    assert FollowUp.objects.get().minutes == "Fait & dit"

    migration._backwards(apps, None)
    meeting.refresh_from_db()
    assert meeting.agenda == "<p>Un</p>\n<ul>\n<li>deux</li>\n</ul>"


def test_no_template_shows_an_agenda_or_minutes_unformatted():
    """Agendas and minutes are stored as typed, not as clean HTML: shown with |safe, a typed
    <script> would run. Every template goes through |formatted (meetings.formatting)."""
    import re
    from pathlib import Path

    from django.conf import settings

    unsafe = re.compile(r"(agenda|minutes)\s*\|\s*safe")
    found = [
        f"{path}: {match.group(0)}"
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for match in unsafe.finditer(path.read_text())
    ]
    assert found == []
