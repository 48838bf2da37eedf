"""The meeting pages. A meeting's page is public (that a community meets is no secret); its
address and online link are for the community's members and staff. Managing a meeting is for
its community's leads and staff: others who can see the meeting get 403. A follow-up's
documents are for members: to others they do not exist (404)."""

import csv
import hashlib
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from aimq_portal import fragments, page_cache
from aimq_portal.spreadsheets import spreadsheet_cell
from communities.models import Community
from meetings import formatting, ics, permissions, selectors, services
from meetings.forms import (
    AttendanceForm,
    CancelForm,
    FollowUpForm,
    MeetingForm,
    MeetingScheduleForm,
    RsvpForm,
)
from meetings.models import FollowUpDocument, Meeting
from submit_once.services import submit_once

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_CACHE_SECONDS = 900
_FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _meeting_or_404(pk: int) -> Meeting:
    meeting = selectors.meeting_detail(pk=pk)
    if meeting is None:
        raise Http404
    return meeting


def _managed_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = _meeting_or_404(pk)
    selectors.read_viewer_role(community=meeting.community, viewer=request.user)
    if not permissions.can_manage_meetings(request.user, meeting.community):
        raise PermissionDenied
    return meeting


def _detail_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def _render_detail(
    request: HttpRequest, meeting: Meeting, *, rsvp_form: RsvpForm | None = None
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    selectors.read_viewer_role(community=meeting.community, viewer=user)
    can_answer = permissions.can_answer(user, meeting)
    is_private = permissions.can_see_private_details(user, meeting)
    attendees = selectors.attendees(meeting=meeting, viewer=user) if is_private else None
    if attendees is not None:
        rsvp = attendees.viewer_rsvp  # every member who may answer sees the attendees
    else:
        rsvp = selectors.rsvp_of(meeting=meeting, member=user) if can_answer else None
    answers_open = not meeting.is_cancelled and now < meeting.starts_at
    page_cache.expires_at(meeting.starts_at)  # answers close, the leads' links change
    seat_request = (
        selectors.seat_request_of(meeting=meeting, member=user)
        # With nobody waiting and no seat offered, the viewer holds no place in line either.
        if can_answer and answers_open and (meeting.waiting_count or meeting.held_count)
        else None
    )
    offer = seat_request if seat_request and seat_request.status == "offered" else None
    if offer is not None and offer.offer_expires_at <= now:
        offer = None  # expired, the sweep has not come by yet: the next answer settles it
    if offer is not None:
        page_cache.expires_at(offer.offer_expires_at)
    if rsvp_form is None and can_answer and answers_open:
        initial = {}
        if rsvp is not None:
            initial = {
                "response": rsvp.response,
                "stays_for_lunch": rsvp.stays_for_lunch,
                "dietary_needs": rsvp.dietary_needs,
            }
        if offer is not None:
            initial["response"] = "in_person"
        rsvp_form = RsvpForm(meeting=meeting, initial=initial)
    seats_taken = meeting.in_person_count + meeting.held_count
    room_full = (
        meeting.has_room
        and meeting.in_person_seats is not None
        and seats_taken >= meeting.in_person_seats
    )
    followup = getattr(meeting, "followup", None)
    context = {
        "meeting": meeting,
        "community": meeting.community,
        "show_private": is_private,
        "can_manage": permissions.can_manage_meetings(user, meeting.community),
        "can_answer": can_answer,
        "answers_open": answers_open,
        "has_started": now >= meeting.starts_at,
        "rsvp": rsvp,
        "rsvp_form": rsvp_form,
        "seats_taken": seats_taken,
        "room_full": room_full,
        "seat_request": seat_request,
        "offer": offer,
        # The waiting list is offered to a member who has no seat while the room is full.
        "can_ask_for_seat": (
            can_answer
            and answers_open
            and room_full
            and seat_request is None
            and not (rsvp and rsvp.response == "in_person")
        ),
        "attendees": attendees or [],
        "followup": followup,
        "show_recording": bool(
            followup and followup.recording_url and (followup.recording_public or is_private)
        ),
        # Minutes and documents are the community's unless a lead shared them with everyone.
        "show_minutes": bool(
            followup and followup.minutes and (followup.minutes_public or is_private)
        ),
        "documents": meeting.documents
        if is_private or (followup and followup.documents_public)
        else [],
        "is_public_talk": bool(followup and followup.is_public_talk),
    }
    context["details_fragment_key"] = _details_fragment_key(context)
    context["fragment_timeout"] = fragments.TIMEOUT
    return render(request, "meetings/meeting_detail.html", context)


def _details_fragment_key(context: dict) -> str:
    """The page's main column (when, where, seats, agenda, who is coming, follow-up) is
    rendered once for what it shows (aimq_portal.fragments): every row and flag it reads."""
    meeting, followup, attendees = context["meeting"], context["followup"], context["attendees"]
    people = [*attendees.in_person, *attendees.online] if attendees else []
    return fragments.fingerprint(
        fragments.row_values(meeting),
        (meeting.in_person_count, meeting.held_count, meeting.waiting_count),
        fragments.row_values(followup) if followup else None,
        fragments.rows_values(context["documents"]),
        [(fragments.row_values(a.member), a.response, a.contact_shown) for a in people],
        [
            context[name]
            for name in (
                "show_private",
                "answers_open",
                "seats_taken",
                "show_minutes",
                "show_recording",
                "is_public_talk",
            )
        ],
    )


@page_cache.per_viewer
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _meeting_or_404(pk))


def _form_errors_from(form, exc: ValidationError) -> None:
    """A service's refusal shown beside the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_POST
def rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={_detail_url(meeting)}")
    if not permissions.can_answer(request.user, meeting):
        raise PermissionDenied
    form = RsvpForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            with submit_once(form) as submission:
                answer = services.rsvp_set(
                    meeting=meeting,
                    member=request.user,
                    response=form.cleaned_data["response"],
                    stays_for_lunch=form.cleaned_data.get("stays_for_lunch", False),
                    dietary_needs=form.cleaned_data.get("dietary_needs", ""),
                )
                submission.result_url = _detail_url(meeting)
        except services.MeetingClosed as exc:
            messages.info(request, " ".join(exc.messages))
            return redirect(_detail_url(meeting))
        except services.RoomFull as exc:
            # Shown beside the answer, with its suggestion (the waiting list, below the form).
            form.add_error("response", exc)
            meeting = _meeting_or_404(pk)  # the seats as they are now
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("Your answer is saved: %(answer)s.") % {"answer": answer.get_response_display()},
            )
            return redirect(_detail_url(meeting))
    return _render_detail(request, meeting, rsvp_form=form)


@require_POST
def seat_request(request: HttpRequest, pk: int) -> HttpResponse:
    """A member asks for a seat of a full room (the waiting list)."""
    meeting = _meeting_or_404(pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={_detail_url(meeting)}")
    if not permissions.can_answer(request.user, meeting):
        raise PermissionDenied
    try:
        services.seat_request_create(meeting=meeting, member=request.user)
    except ValidationError as exc:  # MeetingClosed included
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "You are on the waiting list. If a seat frees up, it is offered to you by "
                "e-mail, and held for you for a limited time."
            ),
        )
    return redirect(_detail_url(meeting))


@require_POST
def seat_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The member leaves the waiting list, or declines the seat offered to them."""
    meeting = _meeting_or_404(pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={_detail_url(meeting)}")
    if not permissions.can_answer(request.user, meeting):
        raise PermissionDenied
    closed = services.seat_request_withdraw(meeting=meeting, member=request.user)
    if closed is None:
        messages.info(request, _("You are not on the waiting list."))
    elif closed.status == "declined":
        messages.success(request, _("The seat is offered to the next person in line."))
    else:
        messages.success(request, _("You are no longer on the waiting list."))
    return redirect(_detail_url(meeting))


# Scheduling, editing and cancelling (leads and staff)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    community = get_object_or_404(Community, slug=slug)
    if not permissions.can_manage_meetings(request.user, community):
        raise PermissionDenied
    if _wants_preview(request):
        return _render_preview(request, community=community, meeting=None)
    form = MeetingScheduleForm(request.POST or None, instance=Meeting(community=community))
    if request.method == "POST" and form.is_valid():
        try:
            with submit_once(form) as submission:
                meeting = services.meeting_schedule(
                    community=community, scheduled_by=request.user, **form.cleaned_data
                )
                submission.result_url = _detail_url(meeting)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("The meeting is scheduled; the members are invited by e-mail."),
            )
            return redirect(_detail_url(meeting))
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "community": community, "meeting": None},
    )


def _wants_preview(request: HttpRequest) -> bool:
    return request.method == "POST" and "preview" in request.POST


def _render_preview(request: HttpRequest, *, community, meeting: Meeting | None) -> HttpResponse:
    """The form again as typed, with the agenda shown as members will see it. Nothing is
    checked nor saved: the lead is still writing (the errors come with "Schedule" or "Save")."""
    instance = Meeting.objects.get(pk=meeting.pk) if meeting else Meeting(community=community)
    # Scheduling keeps its one-time token through the preview: the preview does not use it.
    form_class = MeetingForm if meeting else MeetingScheduleForm
    form = form_class(initial=request.POST.dict(), instance=instance)
    form.initial["lunch_provided"] = "lunch_provided" in request.POST
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "community": community,
            "meeting": meeting,
            "preview": formatting.to_html(request.POST.get("agenda", "")),
            "previewed": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    if meeting.is_cancelled:
        messages.info(request, _("This meeting is cancelled."))
        return redirect(_detail_url(meeting))
    if _wants_preview(request):
        return _render_preview(request, community=meeting.community, meeting=meeting)
    # The form works on its own copy: the page keeps showing the meeting as it is saved.
    form = MeetingForm(request.POST or None, instance=Meeting.objects.get(pk=meeting.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, updated_by=request.user, **form.cleaned_data)
        except services.MeetingClosed as exc:
            messages.info(request, " ".join(exc.messages))
            return redirect(_detail_url(meeting))
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("The meeting is updated."))
            return redirect(_detail_url(meeting))
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "community": meeting.community, "meeting": meeting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    if meeting.is_cancelled:
        messages.info(request, _("This meeting is already cancelled."))
        return redirect(_detail_url(meeting))
    if timezone.now() >= meeting.starts_at:
        messages.info(request, _("This meeting has started: it can no longer be cancelled."))
        return redirect(_detail_url(meeting))
    if request.method == "POST" and CancelForm(request.POST).is_valid():
        try:
            services.meeting_cancel(meeting=meeting, cancelled_by=request.user)
        except services.MeetingClosed as exc:
            messages.info(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The meeting is cancelled; the members are told by e-mail.")
            )
        return redirect(_detail_url(meeting))
    return render(request, "meetings/meeting_cancel.html", {"meeting": meeting})


# Roster, attendance and follow-up (leads and staff)


@login_required
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    return render(
        request,
        "meetings/roster.html",
        {
            "meeting": meeting,
            "roster": selectors.meeting_roster(meeting=meeting),
            "answers_open": not meeting.is_cancelled and timezone.now() < meeting.starts_at,
            "waiting_list": selectors.waiting_list(meeting=meeting),
        },
    )


@login_required
def roster_csv(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    lines = selectors.meeting_roster(meeting=meeting).everyone
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"presences-{slugify(meeting.title) or meeting.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # the BOM: Excel then reads the accents right
    # Semicolons: Excel set up for French Canada (decimal comma) splits lines on them, and
    # reads a comma-separated file as one column.
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Name"),
            _("E-mail"),
            _("Organisation"),
            _("Answer"),
            _("Lunch"),
            _("Dietary needs"),
            _("Attended"),
        ]
    )
    for line in lines:
        row = [
            line.member.display_name,
            line.member.email,
            line.member.organisation,
            line.rsvp.get_response_display() if line.rsvp else _("No answer"),
            _("Yes") if line.rsvp and line.rsvp.stays_for_lunch else "",
            line.rsvp.dietary_needs if line.rsvp else "",
            line.attendance.get_mode_display() if line.attendance else "",
        ]
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return response


@require_POST
@login_required
def remind_unanswered(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    try:
        count = services.remind_unanswered(meeting=meeting, by=request.user)
    except services.MeetingClosed as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        if count:
            messages.success(
                request,
                _("%(count)d members who have not answered are asked by e-mail.")
                % {"count": count},
            )
        else:
            messages.info(request, _("Every member has answered."))
    return redirect(reverse("meetings:roster", args=[meeting.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    if timezone.now() < meeting.starts_at or meeting.is_cancelled:
        messages.info(request, _("Attendance is recorded once the meeting has started."))
        return redirect(_detail_url(meeting))
    lines = selectors.meeting_roster(meeting=meeting).by_name
    # Bound on every POST: setting everyone back to "not recorded" is a real submission.
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, meeting=meeting, lines=lines
    )
    if request.method == "POST" and form.is_valid():
        recorded = 0
        for member, mode in form.recorded():
            services.attendance_record(
                meeting=meeting, member=member, mode=mode, recorded_by=request.user
            )
            recorded += 1
        for member in form.cleared():
            services.attendance_clear(meeting=meeting, member=member, cleared_by=request.user)
        messages.success(
            request,
            ngettext(
                "Attendance saved: %(count)d member attended.",
                "Attendance saved: %(count)d members attended.",
                recorded,
            )
            % {"count": recorded},
        )
        return redirect(reverse("meetings:roster", args=[meeting.pk]))
    return render(request, "meetings/attendance.html", {"meeting": meeting, "form": form})


_FOLLOWUP_FIELDS = (
    "minutes",
    "minutes_public",
    "recording_url",
    "recording_public",
    "speakers",
    "public_summary",
    "documents_public",
)


@login_required
@require_http_methods(["GET", "POST"])
def followup(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    if timezone.now() < meeting.starts_at:
        messages.info(request, _("The follow-up is written once the meeting has started."))
        return redirect(_detail_url(meeting))
    current = getattr(meeting, "followup", None)
    initial = {}
    if current is not None:
        initial = {name: getattr(current, name) for name in _FOLLOWUP_FIELDS}
    form = FollowUpForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Once per sending: a double click must not add the document twice.
            with submit_once(form) as submission:
                saved = services.followup_save(
                    meeting=meeting,
                    saved_by=request.user,
                    **{name: data[name] for name in _FOLLOWUP_FIELDS},
                    document=data["document"],
                    document_title=data["document_title"],
                )
                submission.result_url = _detail_url(meeting)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    target = {"file": "document", "title": "document_title"}.get(field, field)
                    form.add_error(target if target in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            if saved.posting_revision == (current.posting_revision if current else 0):
                messages.success(request, _("The follow-up is saved."))
            else:
                messages.success(
                    request,
                    _("The follow-up is saved; the community's members are told by e-mail."),
                )
            return redirect(_detail_url(meeting))
    return render(
        request,
        "meetings/followup_form.html",
        {"meeting": meeting, "form": form, "documents": meeting.documents},
    )


def _document_of(meeting: Meeting, document_pk: int) -> FollowUpDocument:
    return get_object_or_404(
        FollowUpDocument.objects.select_related("followup__meeting"),
        pk=document_pk,
        followup__meeting=meeting,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """A document posted by mistake: a lead removes it after a confirmation; its file leaves
    the storage."""
    meeting = _managed_meeting(request, pk)
    document = _document_of(meeting, document_pk)
    if request.method == "POST":
        services.followup_document_remove(document=document, removed_by=request.user)
        messages.success(
            request, _("The document “%(document)s” is removed.") % {"document": document.label}
        )
        return redirect(reverse("meetings:followup", args=[meeting.pk]))
    return render(
        request, "meetings/document_remove.html", {"meeting": meeting, "document": document}
    )


def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """Members' (and staff's) unless a lead shared the documents with everyone. Others who are
    signed in are told nothing exists (404); anonymous visitors may be members: log in."""
    meeting = _meeting_or_404(pk)
    followup = getattr(meeting, "followup", None)
    shared = followup is not None and followup.documents_public
    if not shared and not permissions.can_see_private_details(request.user, meeting):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    document = _document_of(meeting, document_pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file.name.rsplit("/", 1)[-1],
    )


# Calendars


def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(pk)
    body = ics.feed_calendar(
        [meeting],
        include_private=permissions.can_see_private_details(request.user, meeting),
        name=meeting.title,
    )
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="rencontre-{meeting.pk}.ics"'
    return response


def member_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: calendar programs fetch it with the secret in the address."""
    # Tokens are URL-safe base64 (secrets.token_urlsafe); anything else is no token, and
    # PostgreSQL refuses a NUL in a query (a 500, where SQLite simply finds nothing).
    if not _FEED_TOKEN.fullmatch(token):
        raise Http404
    member = selectors.member_for_calendar_token(token=token)
    if member is None:
        raise Http404
    # Polling calendar programs mostly find nothing new: one aggregate query answers them
    # 304, and the body is built once per version of the member's meetings.
    version = selectors.feed_version(member=member)
    language = getattr(member, "preferred_language", "") or settings.LANGUAGE_CODE
    digest = hashlib.sha256(repr((token, language, version)).encode()).hexdigest()[:32]
    etag = quote_etag(digest)
    last_modified = int(version.last_modified.timestamp()) if version.last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        body = cache.get_or_set(
            f"meetings:feed:{digest}", lambda: ics.member_feed(member), FEED_CACHE_SECONDS
        )
        response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
def my_meetings(request: HttpRequest) -> HttpResponse:
    token = services.calendar_token_get_or_create(member=request.user)
    feed_url = request.build_absolute_uri(reverse("meetings:feed", args=[token.token]))
    return render(
        request,
        "meetings/my_meetings.html",
        {
            "meetings": list(selectors.my_next_meetings(member=request.user)),
            "feed_url": feed_url,
            # The same address for calendar programs that subscribe when it is opened.
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )


@require_POST
@login_required
def feed_regenerate(request: HttpRequest) -> HttpResponse:
    services.calendar_token_regenerate(member=request.user)
    messages.success(
        request,
        _("Your calendar address is new: the old one no longer works. Subscribe again."),
    )
    return redirect("meetings:mine")
