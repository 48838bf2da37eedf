"""Every admin page validates what it is given before it saves or queries: no list filter,
search, date drill-down, action or form field answers 500, whatever a staff member (or a
crafted link) sends. SQLite accepts what PostgreSQL refuses (a NUL in a string, a number past
the column's range), so this file runs in CI's PostgreSQL run too.

The parameters are read from the admin site itself (every registered ModelAdmin, its filters,
search and date hierarchy), so a new admin page or filter is covered without a new test."""

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.test import RequestFactory
from django.urls import reverse

from communities.models import Community, Decision, DecisionAction
from communities.services import community_set_capacity
from meetings.models import FollowUp, MeetingReminder
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    SentMessageFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

# What a crafted link or a paste can hold: NUL (PostgreSQL refuses it in any string), numbers
# past every column, dates at the calendar's ends, and plain nonsense.
ODD_VALUES = ["\x00", "99999999999999999999", "abc", "9999-12-31 23:59:59"]


@pytest.fixture
def world(db):
    """One row of each kind the admin lists, so every filter has choices and every page
    something to show."""
    community = CommunityFactory()
    lead = LeadMembershipFactory(community=community).member
    MembershipFactory(community=community)
    JoinRequestFactory(community=community)
    Decision.objects.create(community=community, action=DecisionAction.LEFT, actor=lead)
    meeting = MeetingFactory(community=community)
    MeetingReminder.objects.create(
        meeting=meeting, offset_minutes=60, for_starts_at=meeting.starts_at
    )
    SentMessageFactory(recipient=lead, to_email=lead.email)
    FollowUp.objects.create(meeting=meeting, minutes="Notes")
    return community


@pytest.fixture
def staff_client(client, db):
    """Answers 500 instead of raising, so a test lists every failing parameter at once."""
    client.force_login(StaffFactory())
    client.raise_request_exception = False
    return client


def _admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


ADMIN_IDS = [model._meta.label for model, _ in _admins()]


def _changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _changelist_parameters(model_admin, staff) -> set[str]:
    """Every parameter the changelist reads: each filter's, the search, ordering and page, the
    date hierarchy's, and the fields of list_filter named plainly (``?status=``)."""
    request = RequestFactory().get("/")
    request.user = staff
    changelist = model_admin.get_changelist_instance(request)
    parameters = {SEARCH_VAR, ORDER_VAR, PAGE_VAR}
    for spec in changelist.filter_specs:
        parameters.update(spec.expected_parameters())
    for entry in model_admin.get_list_filter(request):
        if isinstance(entry, str):
            parameters.add(entry)
        elif isinstance(entry, tuple):
            parameters.add(entry[0])
    if model_admin.date_hierarchy:
        for part in ("year", "month", "day"):
            parameters.add(f"{model_admin.date_hierarchy}__{part}")
    return parameters


# A date typed without its zone is Django's to read in the portal's zone; it says so, loudly.
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
@pytest.mark.parametrize("model, model_admin", _admins(), ids=ADMIN_IDS)
def test_no_changelist_parameter_gives_a_server_error(staff_client, world, model, model_admin):
    staff = staff_client.get(_changelist_url(model)).wsgi_request.user
    url = _changelist_url(model)
    errors = []
    for parameter in sorted(_changelist_parameters(model_admin, staff)):
        for value in ODD_VALUES:
            response = staff_client.get(url, {parameter: value})
            if response.status_code >= 500:
                errors.append((parameter, value))
    assert not errors, repr(errors)


def test_a_nul_in_a_filter_is_a_bad_request_in_french(staff_client, world):
    response = staff_client.get("/admin/communities/joinrequest/?status=%00")

    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


DRILLED = [(model, model_admin) for model, model_admin in _admins() if model_admin.date_hierarchy]


@pytest.mark.parametrize(
    "model, model_admin", DRILLED, ids=[model._meta.label for model, _ in DRILLED]
)
def test_no_date_drill_down_gives_a_server_error(staff_client, world, model, model_admin):
    field = model_admin.date_hierarchy
    url = _changelist_url(model)
    errors = []
    for year, month, day in [
        ("9999", "12", "31"),
        ("9999", "12", None),
        ("9999", None, None),
        ("1", "1", "1"),
        ("0", None, None),
        ("2024", "2", "30"),
        ("2024", "13", None),
        ("99999999999999999999", None, None),
    ]:
        query = {f"{field}__year": year}
        if month:
            query[f"{field}__month"] = month
        if day:
            query[f"{field}__day"] = day
        if staff_client.get(url, query).status_code >= 500:
            errors.append(query)
    assert not errors, repr(errors)


@pytest.mark.parametrize("model, model_admin", _admins(), ids=ADMIN_IDS)
def test_no_action_selection_gives_a_server_error(staff_client, world, model, model_admin):
    url = _changelist_url(model)
    request = RequestFactory().get("/")
    request.user = staff_client.get(url).wsgi_request.user
    actions = list(model_admin.get_actions(request)) or ["delete_selected"]
    errors = []
    for action in [*actions, "\x00", "nothing"]:
        for selected in ["\x00", "abc", "99999999999999999999", "-1"]:
            response = staff_client.post(
                url, {"action": action, "_selected_action": selected, "index": "0"}
            )
            if response.status_code >= 500:
                errors.append((action, selected))
    assert not errors, repr(errors)


@pytest.mark.parametrize("model, model_admin", _admins(), ids=ADMIN_IDS)
def test_no_object_address_gives_a_server_error(staff_client, world, model, model_admin):
    info = (model._meta.app_label, model._meta.model_name)
    errors = []
    for object_id in ["%00", "abc", "99999999999999999999", "-1", "1%00"]:
        for view in ("change", "history", "delete"):
            url = reverse(f"admin:{info[0]}_{info[1]}_{view}", args=["X"]).replace(
                "/X/", f"/{object_id}/"
            )
            if staff_client.get(url).status_code >= 500:
                errors.append((view, object_id))
    assert not errors, repr(errors)


def test_no_autocomplete_search_gives_a_server_error(staff_client, world):
    url = reverse("admin:autocomplete")
    errors = []
    for term in [*ODD_VALUES, "x\x00"]:
        response = staff_client.get(
            url,
            {
                "term": term,
                "app_label": "communities",
                "model_name": "membership",
                "field_name": "member",
            },
        )
        if response.status_code >= 500:
            errors.append(term[:20])
    assert not errors, repr(errors)


# Number fields: every integer an admin form takes is bounded by its column.


def _integer_form_fields(model_admin, request):
    forms = [model_admin.get_form(request)()]
    for formset, _inline in model_admin.get_formsets_with_inlines(request):
        forms.append(formset().empty_form)
    for form in forms:
        model = form._meta.model
        for name, form_field in form.fields.items():
            try:
                db_field = model._meta.get_field(name)
            except Exception:
                continue
            if isinstance(db_field, models.IntegerField) and not db_field.primary_key:
                yield model, name, db_field, form_field


def test_every_admin_number_field_is_bounded_by_its_column(rf, world):
    request = rf.get("/")
    request.user = StaffFactory()
    ranges = BaseDatabaseOperations.integer_field_ranges  # PostgreSQL's, the narrowest
    checked = []
    for _model, model_admin in _admins():
        if not model_admin.has_add_permission(request) and not model_admin.has_change_permission(
            request
        ):
            continue
        for model, name, db_field, form_field in _integer_form_fields(model_admin, request):
            low, high = ranges[db_field.get_internal_type()]
            assert form_field.max_value is not None and form_field.max_value <= high, (model, name)
            assert form_field.min_value is not None and form_field.min_value >= low, (model, name)
            checked.append(f"{model._meta.label}.{name}")
    assert "communities.Community.capacity" in checked


@pytest.mark.parametrize("capacity", ["70000", "32768", "99999999999999999999", "-5", "0"])
def test_a_capacity_past_the_column_is_refused_beside_the_field(staff_client, world, capacity):
    community = Community.objects.get(pk=world.pk)
    url = reverse("admin:communities_community_change", args=[community.pk])
    page = staff_client.get(url)
    form = page.context["adminform"].form
    data = {
        name: form[name].value() for name in form.fields if form[name].value() not in (None, False)
    }
    data.update({"accepting_requests": "on", "capacity": capacity})
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{inline.formset.prefix}-{name}"] = management[name].value()
        for inline_form in inline.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value not in (None, False):
                    data[inline_form.add_prefix(name)] = value

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["capacity"]
    community.refresh_from_db()
    assert community.capacity == world.capacity


def test_the_capacity_service_refuses_a_capacity_past_the_column(world):
    with pytest.raises(ValidationError) as refused:
        community_set_capacity(community=world, capacity=32768, changed_by=StaffFactory())

    assert refused.value.code == "max_capacity"


@pytest.mark.postgres
def test_postgresql_itself_refuses_what_the_admin_now_stops_first(world):
    """Why the checks above matter: SQLite stores both, PostgreSQL answers with an error (a 500
    when the admin passed them through)."""
    from django.db import DataError, transaction

    with pytest.raises(DataError), transaction.atomic():
        Community.objects.filter(pk=world.pk).update(capacity=70000)
    with pytest.raises(DataError, match="NUL"), transaction.atomic():
        list(Community.objects.filter(name_fr="\x00"))
