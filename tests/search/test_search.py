"""Searching as a member does: words found whatever their accents, case and plural, in French
and English; the text of an uploaded PDF; the index kept fresh on each change; the page's empty
and no-result states; highlights that never let stored text bring HTML."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from library import services as library_services
from library.models import Kind, Resource, ResourceVersion, Visibility
from meetings import services as meetings_services
from questions import services as questions_services
from questions.models import Question
from search.models import Audience, SearchEntry
from tests.factories import MeetingFactory
from tests.search.conftest import pdf_upload
from tests.search.test_visibility import found

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def resource(cast, title: str, **fields) -> Resource:
    data = {
        "community": cast.community,
        "author": cast.member,
        "title": title,
        "kind": Kind.GUIDE,
        "visibility": Visibility.PUBLIC,
        "url": "https://example.org/r",
    }
    data.update(fields)
    return library_services.resource_create(**data)


def titles(client, query: str) -> set[str]:
    return {title for _source, title in found(client, query)}


@pytest.mark.parametrize(
    "query, title",
    [
        ("egout", "Réfection des égouts pluviaux"),
        ("ÉGOUTS", "Réfection des égouts pluviaux"),
        ("appel d'offres", "Modèle d'appels d'offres regroupés"),
        ("ponceau", "Inspection des ponceaux"),
        ("culverts", "Culvert inspection checklist"),
        ("culvert", "Culverts and storm drains"),
    ],
)
def test_accents_case_and_plurals_do_not_matter(client, cast, query, title):
    for text in (
        "Réfection des égouts pluviaux",
        "Modèle d'appels d'offres regroupés",
        "Inspection des ponceaux",
        "Culvert inspection checklist",
        "Culverts and storm drains",
        "Déneigement des trottoirs",
    ):
        resource(cast, text)

    assert title in titles(client, query)
    assert "Déneigement des trottoirs" not in titles(client, query)


def test_every_word_must_be_found(client, cast):
    resource(cast, "Plan de gestion des chaussées")
    resource(cast, "Plan d'intervention")

    assert titles(client, "plan chaussées") == {"Plan de gestion des chaussées"}


def test_the_description_tags_and_kind_are_searched(client, cast):
    resource(
        cast,
        "Devis type",
        description="Pour le déneigement des rues.",
        tags="sel de voirie",
        kind=Kind.TEMPLATE,
    )

    assert titles(client, "deneigement") == {"Devis type"}
    assert titles(client, "voirie") == {"Devis type"}
    # The kind in both languages: "Gabarit" in French, "Template" in English.
    assert titles(client, "gabarit") == {"Devis type"}
    assert titles(client, "template") == {"Devis type"}


def test_a_word_in_an_uploaded_pdf_finds_its_resource(client, cast):
    client.force_login(cast.member)
    response = client.post(
        reverse("library:create", args=[cast.community.slug]),
        {
            "title": "Guide d'entretien",
            "description": "",
            "kind": Kind.GUIDE,
            "tags": "",
            "municipality_size": "",
            "visibility": Visibility.COMMUNITY,
            "url": "",
            "file": pdf_upload("guide.pdf", "Curage des regards", "et des égouts sanitaires"),
        },
    )
    assert response.status_code == 302
    version = ResourceVersion.objects.get()
    assert "Curage des regards" in version.text

    response = client.get(reverse("search:search"), {"q": "egouts sanitaires"})
    (result,) = response.context["page"].object_list
    assert result.title == "Guide d&#x27;entretien"
    assert "<mark>" in result.excerpt and "sanitaires" in strip_tags(result.excerpt)
    assert result.url == reverse("library:detail", args=[version.resource_id])
    # A visitor does not find the community's resource, not even by its file's words.
    client.logout()
    assert titles(client, "egouts sanitaires") == set()


def test_a_broken_file_still_uploads_without_text(client, cast):
    client.force_login(cast.member)
    broken = pdf_upload("abime.pdf", "x")
    broken.file.truncate(40)
    response = client.post(
        reverse("library:create", args=[cast.community.slug]),
        {
            "title": "Fichier abîmé",
            "kind": Kind.OTHER,
            "visibility": Visibility.COMMUNITY,
            "url": "",
            "file": broken,
        },
    )

    assert response.status_code == 302
    assert ResourceVersion.objects.get().text == ""
    assert titles(client, "abime") == {"Fichier abîmé"}


def test_a_new_version_replaces_the_text_found(client, cast):
    client.force_login(cast.member)
    item = resource(cast, "Gabarit", url="", file=pdf_upload("v1.pdf", "Ancien bordereau"))
    library_services.resource_update(
        resource=item,
        updated_by=cast.member,
        title="Gabarit",
        kind=Kind.GUIDE,
        visibility=Visibility.PUBLIC,
        file=pdf_upload("v2.pdf", "Nouveau bordereau"),
    )

    assert titles(client, "nouveau") == {"Gabarit"}
    assert titles(client, "ancien") == set()


def test_an_edit_is_found_at_once_and_a_removal_leaves_the_index(client, cast):
    item = resource(cast, "Guide des trottoirs", tags="hiver")
    library_services.resource_update(
        resource=item,
        updated_by=cast.member,
        title="Guide des bordures",
        kind=Kind.GUIDE,
        tags="été",
        visibility=Visibility.COMMUNITY,
    )

    assert titles(client, "trottoirs") == set()
    assert titles(client, "bordures") == set()  # now the community's: not for a visitor
    client.force_login(cast.member)
    assert titles(client, "bordures") == {"Guide des bordures"}
    assert titles(client, "ete") == {"Guide des bordures"}
    assert titles(client, "hiver") == set()

    library_services.resource_remove(resource=item, removed_by=cast.member)

    assert titles(client, "bordures") == set()
    assert not SearchEntry.objects.filter(source="library.resource").exists()


def test_a_cancelled_meeting_leaves_the_index(client, cast):
    meeting = MeetingFactory(community=cast.community, title="Atelier sur la signalisation")
    assert titles(client, "signalisation") == {"Atelier sur la signalisation"}

    meeting.cancelled_at = meeting.created_at
    meeting.save()

    assert titles(client, "signalisation") == set()


def test_the_rebuild_command_writes_the_whole_index_again(client, cast, capsys):
    resource(cast, "Guide des ponceaux")
    MeetingFactory(community=cast.community, title="Rencontre sur les ponceaux")
    SearchEntry.objects.all().delete()
    SearchEntry.objects.create(
        source="gone.source",
        object_id=1,
        title="Ponceaux",
        audience=Audience.PUBLIC,
        updated_at=cast.community.created_at,
    )
    assert titles(client, "ponceaux") == set()

    call_command("rebuild_search_index")

    assert titles(client, "ponceaux") == {"Guide des ponceaux", "Rencontre sur les ponceaux"}
    assert not SearchEntry.objects.filter(source="gone.source").exists()
    assert "library.resource: 1 entries" in capsys.readouterr().out


def test_the_rebuild_reads_a_file_uploaded_before_the_search_once(client, cast):
    item = resource(cast, "Guide", url="", file=pdf_upload("g.pdf", "Scellement de fissures"))
    ResourceVersion.objects.filter(resource=item).update(text=None)

    call_command("rebuild_search_index", "--source", "library.resource")

    assert ResourceVersion.objects.get().text.startswith("Scellement de fissures")
    assert titles(client, "fissures") == {"Guide"}


def test_stored_text_never_brings_html_into_the_results(client, cast):
    resource(
        cast,
        "<script>alert(1)</script> Gabarit de fauchage",
        description='<img src=x onerror="alert(2)"> fauchage des fossés',
    )

    response = client.get(reverse("search:search"), {"q": "fauchage"})
    page = response.content.decode()

    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<mark>fauchage</mark>" in page.lower() or "<mark>Fauchage</mark>" in page


def test_the_page_without_words_explains_what_it_searches(client):
    response = client.get(reverse("search:search"))

    assert response.status_code == 200
    assert "Accents et majuscules" in response.content.decode()


def test_nothing_found_suggests_what_to_try(client, cast):
    response = client.get(reverse("search:search"), {"q": "introuvable"})
    page = response.content.decode()

    assert "Aucun résultat pour «\u00a0introuvable\u00a0»" in page
    assert reverse("communities:list") in page
    assert reverse("account_login") in page


def test_results_can_be_narrowed_to_one_type(client, cast):
    resource(cast, "Guide du déglaçage")
    MeetingFactory(community=cast.community, title="Rencontre déglaçage")

    assert found(client, "deglacage", type="meetings.meeting") == {
        ("meetings.meeting", "Rencontre déglaçage")
    }
    # An unknown type is ignored, not an error.
    assert len(found(client, "deglacage", type="nothing")) == 2


def test_results_are_paginated_with_the_query_kept(client, cast):
    for number in range(23):
        MeetingFactory(community=cast.community, title=f"Rencontre de voirie {number}")

    first = client.get(reverse("search:search"), {"q": "voirie"})
    second = client.get(reverse("search:search"), {"q": "voirie", "page": 2})

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 3
    assert "?q=voirie&amp;page=2" in first.content.decode()


def test_the_page_speaks_english(client, english, cast):
    MeetingFactory(community=cast.community, title="Culvert workshop")

    response = client.get(reverse("search:search"), {"q": "culverts"})
    page = response.content.decode()

    assert "Meeting" in page and "<mark>Culvert</mark> workshop" in page
    assert "Nothing found" in client.get(reverse("search:search"), {"q": "zzz"}).content.decode()


def _queries(client, query: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("search:search"), {"q": query})
    assert response.status_code == 200
    return len(queries)


def test_a_page_of_results_costs_the_same_queries_with_more_results(client, cast):
    client.force_login(cast.member)
    for number in range(3):
        resource(cast, f"Guide de voirie {number}", visibility=Visibility.COMMUNITY)
        MeetingFactory(community=cast.community, title=f"Voirie {number}")
    _queries(client, "voirie")
    few = _queries(client, "voirie")
    for number in range(3, 20):
        resource(cast, f"Guide de voirie {number}", visibility=Visibility.COMMUNITY)
        MeetingFactory(community=cast.community, title=f"Voirie {number}")

    assert _queries(client, "voirie") == few


def test_a_follow_up_is_found_as_the_lead_shares_it(client, cast):
    past = timezone.now() - timedelta(days=3)
    meeting = MeetingFactory(
        community=cast.community, title="Bilan hivernal", starts_at=past, ends_at=past + HOUR
    )
    meetings_services.followup_save(
        meeting=meeting,
        saved_by=cast.lead,
        minutes="Discussion sur les abrasifs.",
        recording_url="https://video.example.org/bilan",
    )
    assert found(client, "abrasifs") == set()
    assert found(client, "bilan") == {("meetings.meeting", "Bilan hivernal")}
    client.force_login(cast.member)
    assert found(client, "abrasifs") == {("meetings.minutes", "Bilan hivernal")}
    client.logout()

    meetings_services.followup_save(
        meeting=meeting,
        saved_by=cast.lead,
        minutes="Discussion sur les abrasifs.",
        recording_url="https://video.example.org/bilan",
        recording_public=True,
        minutes_public=True,
        speakers="Marie Tremblay",
    )

    assert found(client, "abrasifs") == {("meetings.minutes", "Bilan hivernal")}
    assert ("talks.talk", "Bilan hivernal") in found(client, "tremblay")

    document = meetings_services.followup_document_add(
        meeting=meeting,
        uploaded_by=cast.lead,
        file=pdf_upload("carte.pdf", "Carte"),
        title="Carte des circuits",
    )
    assert found(client, "circuits") == set()  # the documents are still the members'
    client.force_login(cast.member)
    assert found(client, "circuits") == {("meetings.document", "Carte des circuits")}

    meetings_services.followup_document_remove(document=document, removed_by=cast.lead)

    assert found(client, "circuits") == set()


def test_a_question_is_found_by_its_answers_until_one_is_removed(client, cast):
    question = questions_services.question_ask(
        community=cast.community, author=cast.member, title="Sel ou abrasif?", details="Pour 2027."
    )
    answer = questions_services.answer_post(
        question=question, author=cast.lead, body="Nous utilisons de la saumure."
    )
    assert found(client, "saumure") == set()  # a visitor: the community's questions are not theirs
    client.force_login(cast.member)
    assert found(client, "saumure") == {("questions.question", "Sel ou abrasif?")}

    questions_services.answer_remove(answer=answer, moderator=cast.lead)

    assert found(client, "saumure") == set()
    assert found(client, "abrasif") == {("questions.question", "Sel ou abrasif?")}


def test_a_word_in_a_questions_attachment_finds_the_question(client, cast):
    client.force_login(cast.member)
    response = client.post(
        reverse("questions:ask", args=[cast.community.slug]),
        {
            "title": "Ponceau effondré",
            "details": "Le rapport est joint.",
            "attachment": pdf_upload("rapport.pdf", "Affouillement sous la semelle"),
        },
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.attachment_text.startswith("Affouillement sous la semelle")

    response = client.get(reverse("search:search"), {"q": "affouillement"})
    (result,) = response.context["page"].object_list
    assert result.title == "Ponceau effondré"
    assert "<mark>" in result.excerpt and "Affouillement" in strip_tags(result.excerpt)
    assert result.url == reverse("questions:detail", args=[cast.community.slug, question.pk])
    # Not a word of it for those who may not see the question.
    client.force_login(cast.outsider)
    assert titles(client, "affouillement") == set()
    client.logout()
    assert titles(client, "affouillement") == set()


def test_the_rebuild_reads_a_question_attachment_from_before_the_search_once(client, cast):
    question = questions_services.question_ask(
        community=cast.community,
        author=cast.member,
        title="Fissures",
        details="Voir la pièce jointe.",
        attachment=pdf_upload("fissures.pdf", "Scellement au bitume caoutchouté"),
    )
    Question.objects.filter(pk=question.pk).update(attachment_text=None)

    call_command("rebuild_search_index", "--source", "questions.question")

    assert Question.objects.get().attachment_text.startswith("Scellement au bitume")
    client.force_login(cast.member)
    assert titles(client, "caoutchoute") == {"Fissures"}
