"""The date polls' pages, under their community. Only its members, leads and staff see them:
a visitor is sent to log in, anyone else is told nothing exists (404)."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from communities.models import Community
from meetings.forms import MeetingForm
from meetings.models import Meeting, MeetingFormat
from scheduling import permissions, selectors, services
from scheduling.forms import (
    EDIT_ROW_FIELDS,
    AnswerForm,
    PollForm,
    edit_option_formset,
    option_formset,
    option_rows,
    typed_rows,
)
from scheduling.models import DatePoll, PollOption
from submit_once.services import submit_once

POLLS_PER_PAGE = 20


def _community(request: HttpRequest, slug: str) -> Community:
    community = get_object_or_404(Community, slug=slug)
    if not permissions.can_see_polls(request.user, community):
        raise Http404
    return community


def _poll(request: HttpRequest, slug: str, pk: int) -> DatePoll:
    community = _community(request, slug)
    poll = selectors.poll_for(community=community, pk=pk)
    if poll is None:
        raise Http404
    return poll


def _url(poll: DatePoll) -> str:
    return reverse("scheduling:detail", args=[poll.community.slug, poll.pk])


def _form_errors_from(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def poll_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    polls = selectors.poll_list(community=community)
    page = Paginator(polls, POLLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "scheduling/poll_list.html",
        {
            "community": community,
            "page": page,
            "now": timezone.now(),
            "can_propose": permissions.can_propose(request.user, community),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def poll_create(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    if not permissions.can_propose(request.user, community):
        raise PermissionDenied
    if request.method == "POST" and "add_option" in request.POST:
        # One more row, nothing checked yet: the lead is still typing.
        rows = typed_rows(request.POST)
        form = PollForm(initial=request.POST.dict())
        form.initial.pop("submit_token", None)
        formset = option_formset(rows=rows, extra=1)
    else:
        form = PollForm(request.POST or None)
        formset = option_formset(request.POST if request.method == "POST" else None)
    if request.method == "POST" and "add_option" not in request.POST:
        valid = form.is_valid() & formset.is_valid()
        if valid:
            options = formset.options()
            errors = services.poll_errors(
                closes_at=form.cleaned_data["closes_at"], options=options, now=timezone.now()
            )
            for error in errors.get("closes_at", []):
                form.add_error("closes_at", error)
        if valid and form.is_valid():
            try:
                with submit_once(form) as submission:
                    poll = services.poll_create(
                        community=community,
                        created_by=request.user,
                        title=form.cleaned_data["title"],
                        details=form.cleaned_data["details"],
                        closes_at=form.cleaned_data["closes_at"],
                        options=options,
                    )
                    submission.result_url = _url(poll)
            except ValidationError as exc:
                _form_errors_from(form, exc)
            else:
                messages.success(
                    request, _("The dates are proposed; the members are asked by e-mail.")
                )
                return redirect(_url(poll))
    return render(
        request,
        "scheduling/poll_form.html",
        {
            "form": form,
            "formset": formset,
            "rows": [(row, 0) for row in formset],
            "community": community,
        },
    )


def _edit_page(request, poll, form, formset) -> HttpResponse:
    answer_counts = selectors.answer_counts(poll)
    return render(
        request,
        "scheduling/poll_form.html",
        {
            "form": form,
            "formset": formset,
            "rows": [(row, answer_counts.get(_option_id(row), 0)) for row in formset],
            "community": poll.community,
            "poll": poll,
        },
    )


def _option_id(row) -> int | None:
    value = str(row["id"].value() or "")
    return int(value) if value.isdigit() else None


def _removal_to_confirm(request, poll, removed_ids: set[int]) -> HttpResponse | None:
    """Removing options that members answered loses those answers: the lead confirms first,
    on a page that carries what they typed (nothing is saved until they do)."""
    answer_counts = selectors.answer_counts(poll)
    lost = sum(answer_counts.get(pk, 0) for pk in removed_ids)
    if not lost or "confirm_removal" in request.POST:
        return None
    return render(
        request,
        "scheduling/poll_edit_confirm.html",
        {
            "poll": poll,
            "community": poll.community,
            "removed": [
                (option, answer_counts.get(option.pk, 0))
                for option in PollOption.objects.filter(poll=poll, pk__in=removed_ids).order_by(
                    "starts_at", "pk"
                )
            ],
            "lost": lost,
            "typed": [
                (name, value)
                for name, values in request.POST.lists()
                if name not in ("csrfmiddlewaretoken", "confirm_removal", "back")
                for value in values
            ],
        },
    )


def _saved_message(request, update: services.PollUpdate) -> None:
    messages.success(request, _("The poll is saved."))
    if update.cleared_answers:
        messages.info(
            request,
            ngettext(
                "%(count)d answer to a changed option was cleared: the member answers it again.",
                "%(count)d answers to changed options were cleared: those members answer "
                "them again.",
                update.cleared_answers,
            )
            % {"count": update.cleared_answers},
        )


@login_required
@require_http_methods(["GET", "POST"])
def poll_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    poll = _poll(request, slug, pk)
    if not permissions.can_propose(request.user, poll.community):
        raise PermissionDenied
    if not poll.is_open():
        messages.error(request, services.closed_error(poll).messages[0])
        return redirect(_url(poll))
    if request.method == "GET":
        form = PollForm(instance=poll)
        formset = edit_option_formset(rows=option_rows(poll.options.all()))
        return _edit_page(request, poll, form, formset)
    if "add_option" in request.POST or "back" in request.POST:
        # Nothing checked yet: the lead is still typing (or came back from the confirmation).
        form = PollForm(initial=request.POST.dict())
        form.initial.pop("submit_token", None)
        rows = typed_rows(request.POST, names=EDIT_ROW_FIELDS)
        formset = edit_option_formset(rows=rows, extra=1 if "add_option" in request.POST else 0)
        return _edit_page(request, poll, form, formset)
    # The model form's instance is a copy: an invalid edit leaves the poll shown as it was.
    form = PollForm(request.POST, instance=copy.copy(poll))
    formset = edit_option_formset(request.POST)
    valid = form.is_valid() & formset.is_valid()
    if valid:
        options = formset.options()
        errors = services.poll_errors(
            closes_at=form.cleaned_data["closes_at"], options=options, now=timezone.now()
        )
        for error in errors.get("closes_at", []):
            form.add_error("closes_at", error)
    if valid and form.is_valid():
        if confirmation := _removal_to_confirm(request, poll, formset.removed_ids()):
            return confirmation
        try:
            with submit_once(form) as submission:
                update = services.poll_update(
                    poll=poll,
                    updated_by=request.user,
                    title=form.cleaned_data["title"],
                    details=form.cleaned_data["details"],
                    closes_at=form.cleaned_data["closes_at"],
                    options=options,
                )
                submission.result_url = _url(poll)
        except services.PollClosed as exc:
            messages.error(request, exc.messages[0])
            return redirect(_url(poll))
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            _saved_message(request, update)
            return redirect(_url(poll))
    return _edit_page(request, poll, form, formset)


def _detail(request: HttpRequest, poll: DatePoll, form: AnswerForm | None = None) -> HttpResponse:
    community = poll.community
    results = selectors.results(poll)
    can_answer = permissions.can_answer(request.user, community)
    is_open = poll.is_open()
    if form is None and can_answer and is_open:
        form = AnswerForm(
            options=[ranked.option for ranked in sorted(results.options, key=_by_time)],
            current=results.choices_of(request.user.pk),
        )
    return render(
        request,
        "scheduling/poll_detail.html",
        {
            "poll": poll,
            "community": community,
            "results": results,
            "form": form,
            "is_open": is_open,
            "has_answered": bool(results.choices_of(request.user.pk)),
            "can_manage": permissions.can_propose(request.user, community),
            "can_edit": permissions.can_edit(request.user, poll),
            # Options added or changed since the member answered wait for their answer.
            "answers_missing": is_open
            and 0 < len(results.choices_of(request.user.pk)) < len(results.options),
        },
    )


def _by_time(ranked) -> tuple:
    return (ranked.option.starts_at, ranked.option.pk)


@login_required
def poll_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _detail(request, _poll(request, slug, pk))


@login_required
@require_POST
def poll_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    poll = _poll(request, slug, pk)
    if not permissions.can_answer(request.user, poll.community):
        raise PermissionDenied
    options = list(PollOption.objects.filter(poll=poll).order_by("starts_at", "pk"))
    form = AnswerForm(request.POST, options=options, current={})
    if not form.is_valid():
        return _detail(request, poll, form=form)
    try:
        services.poll_answer(poll=poll, member=request.user, choices=form.choices())
    except services.PollClosed as exc:
        messages.error(request, exc.messages[0])
        return redirect(_url(poll))
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail(request, poll, form=form)
    messages.success(
        request, _("Your answers are saved. You can change them until the poll closes.")
    )
    return redirect(_url(poll))


@login_required
@require_POST
def poll_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    poll = _poll(request, slug, pk)
    if not permissions.can_propose(request.user, poll.community):
        raise PermissionDenied
    services.poll_close(poll=poll, closed_by=request.user)
    messages.success(request, _("The poll is closed: answers no longer change."))
    return redirect(_url(poll))


def _meeting_initial(poll: DatePoll, option: PollOption) -> dict:
    """The meeting as the poll knows it: the lead completes what is missing (a venue's
    address, a link) on the same page."""
    initial = {
        "title": poll.title,
        "agenda": poll.details,
        "starts_at": timezone.localtime(option.starts_at),
        "ends_at": timezone.localtime(option.ends_at),
        "format": option.format or MeetingFormat.IN_PERSON,
    }
    if option.place.startswith("https://"):
        initial["meeting_url"] = option.place
    else:
        initial["venue_name"] = option.place
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def poll_schedule(request: HttpRequest, slug: str, pk: int, option_pk: int) -> HttpResponse:
    poll = _poll(request, slug, pk)
    if not permissions.can_propose(request.user, poll.community):
        raise PermissionDenied
    option = get_object_or_404(PollOption, poll=poll, pk=option_pk)
    if poll.meeting_id:
        messages.info(request, _("A meeting was already scheduled from this poll."))
        return redirect(reverse("meetings:detail", args=[poll.meeting_id]))
    form = MeetingForm(
        request.POST or None,
        instance=Meeting(community=poll.community),
        initial=_meeting_initial(poll, option),
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services_meeting_fields(form)}
        try:
            meeting = services.poll_schedule(
                poll=poll, option=option, scheduled_by=request.user, **fields
            )
        except services.AlreadyScheduled as exc:
            messages.info(request, exc.messages[0])
            return redirect(reverse("meetings:detail", args=[exc.meeting.pk]))
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The meeting is scheduled; the members are invited by e-mail. "
                    "The poll is closed."
                ),
            )
            return redirect(reverse("meetings:detail", args=[meeting.pk]))
    return render(
        request,
        "scheduling/poll_schedule.html",
        {"poll": poll, "community": poll.community, "option": option, "form": form},
    )


def services_meeting_fields(form: MeetingForm) -> list[str]:
    """The meeting form's fields, as ``meetings.services.meeting_schedule`` takes them."""
    return [name for name in form.Meta.fields if name in form.cleaned_data]
