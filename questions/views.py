"""The questions pages, under their community. Only its members and staff see them: a visitor
is sent to log in, anyone else is told nothing exists (404). Who may do what once inside is the
``Viewer`` (questions.permissions), computed once per request. Attachments go through
``attachment``, never MEDIA_URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from communities.models import Community
from questions import selectors, services
from questions.forms import AnswerCreateForm, AnswerForm, QuestionAskForm, QuestionEditForm
from questions.models import Answer, Question
from questions.permissions import Viewer, edit_deadline, viewer_for
from submit_once.services import submit_once

QUESTIONS_PER_PAGE = 20


def _community(request: HttpRequest, slug: str) -> tuple[Community, Viewer]:
    community = get_object_or_404(Community, slug=slug)
    viewer = viewer_for(request.user, community)
    if not viewer.can_see:
        raise Http404
    return community, viewer


def _question(request: HttpRequest, slug: str, pk: int) -> tuple[Question, Viewer]:
    community, viewer = _community(request, slug)
    question = selectors.question_for(community=community, pk=pk)
    if question is None:
        raise Http404
    return question, viewer


def _answer(question: Question, answer_pk: int) -> Answer:
    answer = get_object_or_404(Answer.objects.select_related("author"), pk=answer_pk)
    if answer.question_id != question.pk:
        raise Http404
    answer.question = question
    return answer


def _url(question: Question) -> str:
    return reverse("questions:detail", args=[question.community.slug, question.pk])


@login_required
def question_list(request: HttpRequest, slug: str) -> HttpResponse:
    community, viewer = _community(request, slug)
    status = request.GET.get("status", "")
    if status not in selectors.Filter.VALUES:
        status = selectors.Filter.ALL
    questions = selectors.question_list(community=community, status=status)
    page = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "questions/question_list.html",
        {
            "community": community,
            "viewer": viewer,
            "page": page,
            "status": status,
            "filters": [
                ("", pgettext("questions filter", "All")),
                (selectors.Filter.OPEN, pgettext("questions filter", "Open")),
                (selectors.Filter.SOLVED, pgettext("questions filter", "Solved")),
                (selectors.Filter.URGENT, pgettext("questions filter", "Urgent")),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_ask(request: HttpRequest, slug: str) -> HttpResponse:
    community, viewer = _community(request, slug)
    if not viewer.can_ask:
        raise PermissionDenied
    form = QuestionAskForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with submit_once(form) as submission:
            question = services.question_ask(
                community=community, author=request.user, **form.cleaned_data
            )
            submission.result_url = _url(question)
        messages.success(request, _("Your question is asked to the community."))
        return redirect(_url(question))
    return render(request, "questions/question_form.html", {"form": form, "community": community})


def _detail(
    request: HttpRequest, question: Question, viewer: Viewer, form: AnswerForm | None = None
) -> HttpResponse:
    answers = selectors.thread(question)
    edit_deadlines = {
        answer.pk: edit_deadline(answer) for answer in answers.all if viewer.can_edit_answer(answer)
    }
    return render(
        request,
        "questions/question_detail.html",
        {
            "question": question,
            "community": question.community,
            "viewer": viewer,
            "thread": answers,
            "editable": edit_deadlines,
            "can_edit_question": viewer.can_edit_question(question),
            "can_solve": viewer.can_solve(question),
            "form": form if form is not None else AnswerCreateForm(),
        },
    )


@login_required
def question_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    question, viewer = _question(request, slug, pk)
    return _detail(request, question, viewer)


@login_required
def attachment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    question, _viewer = _question(request, slug, pk)
    if not question.attachment:
        raise Http404
    return FileResponse(
        question.attachment.open("rb"), as_attachment=True, filename=question.attachment_name
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    question, viewer = _question(request, slug, pk)
    if not viewer.can_edit_question(question):
        raise PermissionDenied
    form = QuestionEditForm(
        request.POST or None, initial={"title": question.title, "details": question.details}
    )
    if request.method == "POST" and form.is_valid():
        services.question_update(question=question, editor=request.user, **form.cleaned_data)
        messages.success(request, _("Your question is saved."))
        return redirect(_url(question))
    return render(
        request,
        "questions/question_form.html",
        {"form": form, "community": question.community, "question": question},
    )


@login_required
@require_POST
def answer_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    question, viewer = _question(request, slug, pk)
    if not viewer.can_answer:
        raise PermissionDenied
    form = AnswerCreateForm(request.POST)
    if form.is_valid():
        with submit_once(form) as submission:
            answer = services.answer_post(
                question=question, author=request.user, body=form.cleaned_data["body"]
            )
            submission.result_url = f"{_url(question)}#answer-{answer.pk}"
        messages.success(request, _("Your answer is posted."))
        return redirect(submission.result_url)
    return _detail(request, question, viewer, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def answer_edit(request: HttpRequest, slug: str, pk: int, answer_pk: int) -> HttpResponse:
    question, viewer = _question(request, slug, pk)
    answer = _answer(question, answer_pk)
    if not viewer.is_author_of(answer):
        raise PermissionDenied
    if answer.is_removed:
        messages.error(
            request, _("This answer was removed by moderation: it can no longer be edited.")
        )
        return redirect(_url(question))
    if not viewer.can_edit_answer(answer):
        messages.error(request, services.EDIT_WINDOW_CLOSED)
        return redirect(_url(question))
    form = AnswerForm(request.POST or None, initial={"body": answer.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_update(
                answer=answer, editor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(_url(question))
        messages.success(request, _("Your answer is saved."))
        return redirect(f"{_url(question)}#answer-{answer.pk}")
    return render(
        request,
        "questions/answer_form.html",
        {
            "form": form,
            "community": question.community,
            "question": question,
            "answer": answer,
            "deadline": edit_deadline(answer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_remove(request: HttpRequest, slug: str, pk: int, answer_pk: int) -> HttpResponse:
    question, viewer = _question(request, slug, pk)
    answer = _answer(question, answer_pk)
    if not viewer.can_moderate:
        raise PermissionDenied
    if answer.is_removed:
        messages.info(request, _("This answer was already removed."))
        return redirect(_url(question))
    if request.method == "POST":
        services.answer_remove(answer=answer, moderator=request.user)
        messages.success(request, _("The answer is removed from the thread."))
        return redirect(f"{_url(question)}#answer-{answer.pk}")
    return render(
        request,
        "questions/answer_remove.html",
        {"community": question.community, "question": question, "answer": answer},
    )


@login_required
@require_POST
def answer_solve(request: HttpRequest, slug: str, pk: int, answer_pk: int) -> HttpResponse:
    question, viewer = _question(request, slug, pk)
    answer = _answer(question, answer_pk)
    if not viewer.can_solve(question):
        raise PermissionDenied
    try:
        services.question_solve(question=question, answer=answer, member=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The question is marked as solved by this answer."))
    return redirect(_url(question))


@login_required
@require_POST
def question_unsolve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    question, viewer = _question(request, slug, pk)
    if not viewer.can_solve(question):
        raise PermissionDenied
    services.question_unsolve(question=question, member=request.user)
    messages.info(request, _("The question is open again."))
    return redirect(_url(question))
