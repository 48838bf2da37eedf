"""The health pages: the staff's overview of every community, and a community's own page for its
leads and staff, each with its CSV export. Someone signed in who may not see them is refused
(403: the community is no secret, its figures are); a visitor is sent to log in."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aimq_portal.spreadsheets import spreadsheet_cell
from communities.models import Community
from health import charts, permissions, selectors
from meetings.models import MeetingFormat


def _pace_rule(period: selectors.Period) -> dict:
    return {
        "target_min": selectors.MEETINGS_TARGET_MIN,
        "target_max": selectors.MEETINGS_TARGET_MAX,
        "wait_limit": selectors.REQUEST_WAIT_LIMIT_DAYS,
        "period": period,
    }


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_overview(request.user):
        raise PermissionDenied
    period = selectors.period_at()
    return render(
        request,
        "health/overview.html",
        {"overview": selectors.overview(period=period), **_pace_rule(period)},
    )


def _community_or_403(request: HttpRequest, slug: str) -> Community:
    community = get_object_or_404(Community, slug=slug)
    if not permissions.can_see_community_health(request.user, community):
        raise PermissionDenied
    return community


def _local_date(moment) -> str:
    return formats.date_format(
        timezone.localtime(moment, selectors.LOCAL_ZONE), "SHORT_DATE_FORMAT"
    )


def _month_label(month) -> str:
    return formats.date_format(month, "M")


def _charts(figures: selectors.CommunityCharts) -> dict:
    in_person = charts.Series(_("In person"), "chart-in-person")
    online = charts.Series(_("Online"), "chart-online")
    attendance = charts.bar_chart(
        labels=[
            formats.date_format(timezone.localtime(m.starts_at, selectors.LOCAL_ZONE), "j/n")
            for m in figures.meetings
        ],
        values=[(m.in_person, m.online) for m in figures.meetings],
        series=[in_person, online],
        stacked=True,
    )
    activity_series = [
        charts.Series(_("Resources posted"), "chart-resources"),
        charts.Series(_("Questions asked"), "chart-questions"),
        charts.Series(_("Answers"), "chart-answers"),
    ]
    activity = charts.bar_chart(
        labels=[_month_label(month.month) for month in figures.months],
        values=[(m.resources, m.questions, m.answers) for m in figures.months],
        series=activity_series,
        stacked=False,
    )
    return {
        "attendance_chart": attendance,
        "attendance_series": [in_person, online],
        "activity_chart": activity,
        "activity_series": activity_series,
    }


@require_GET
@login_required
def community(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community_or_403(request, slug)
    period = selectors.period_at()
    figures = selectors.community_charts(community=community, period=period)
    return render(
        request,
        "health/community.html",
        {
            "community": community,
            "health": selectors.community_health(community=community, period=period),
            "figures": figures,
            "online_format": MeetingFormat.ONLINE,
            **_charts(figures),
            **_pace_rule(period),
        },
    )


def _csv_response(filename: str, rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte order mark, so that Excel reads the accents as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
    return response


def _blank(value) -> object:
    return "" if value is None else value


def _key_figures_header() -> list[str]:
    return [
        _("Community"),
        _("Members"),
        _("Seats"),
        _("Waiting list"),
        _("Waiting more than 14 days"),
        _("Join requests received"),
        _("Requests decided"),
        _("Median time to a decision (days)"),
        _("Meetings held"),
        _("In-person meeting held"),
        _("Resources posted"),
        _("Questions asked"),
        _("Questions answered"),
        _("Median time to a first answer (hours)"),
        _("Flags"),
    ]


def _key_figures(health: selectors.CommunityHealth) -> list:
    return [
        health.community.name,
        health.members,
        health.seats,
        health.waiting,
        health.waiting_too_long,
        health.requests_received,
        health.requests_decided,
        _blank(health.median_decision_days),
        health.meetings_held,
        _("yes") if health.in_person_held else _("no"),
        health.resources_posted,
        health.questions_posted,
        health.questions_answered,
        _blank(health.median_first_answer_hours),
        " ; ".join(str(label) for label in health.flag_labels),
    ]


@require_GET
@login_required
def overview_csv(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_overview(request.user):
        raise PermissionDenied
    period = selectors.period_at()
    rows = [_key_figures_header()] + [
        _key_figures(health) for health in selectors.overview(period=period).communities
    ]
    return _csv_response(f"sante-communautes-{period.today.isoformat()}.csv", rows)


@require_GET
@login_required
def community_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The key figures of the year, then the attendance per meeting and the activity per month
    over the last 12 months: one table, a figure a row."""
    community = _community_or_403(request, slug)
    period = selectors.period_at()
    health = selectors.community_health(community=community, period=period)
    figures = selectors.community_charts(community=community, period=period)
    rows: list[list] = [[_("Section"), _("Item"), _("Figure"), _("Value")]]
    key_section = _("Key figures %(year)s") % {"year": period.year}
    for header, value in list(zip(_key_figures_header(), _key_figures(health), strict=True))[1:]:
        rows.append([key_section, "", header, value])
    attendance_section = _("Attendance per meeting")
    for meeting in figures.meetings:
        item = f"{_local_date(meeting.starts_at)} {meeting.title}"
        rows.append([attendance_section, item, _("In person"), meeting.in_person])
        rows.append([attendance_section, item, _("Online"), meeting.online])
    activity_section = _("Activity per month")
    for month in figures.months:
        item = month.month.strftime("%Y-%m")
        rows.append([activity_section, item, _("Resources posted"), month.resources])
        rows.append([activity_section, item, _("Questions asked"), month.questions])
        rows.append([activity_section, item, _("Answers"), month.answers])
    return _csv_response(f"sante-{community.slug}-{period.today.isoformat()}.csv", rows)
