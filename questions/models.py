"""Questions a member asks their community, and the answers of the thread.

The database holds the rules that must survive two clicks at once: a question has at most one
answer marked as the one that solved it, and a removed answer is never that one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from aimq_portal.validators import validate_single_line
from communities.models import Community
from meetings.models import DOCUMENT_VALIDATORS

# The checks of a meeting's documents (type and size), the same objects, not a copy.
ATTACHMENT_VALIDATORS = DOCUMENT_VALIDATORS


def attachment_upload_to(instance: "Question", filename: str) -> str:
    return f"questions/{instance.community_id}/{filename}"


def _name(user) -> str:
    """A closed account's questions and answers stay, without their author."""
    return user.display_name if user is not None else gettext("Former member")


class QuestionQuerySet(models.QuerySet):
    def open(self) -> "QuestionQuerySet":
        return self.filter(solved_at__isnull=True)

    def solved(self) -> "QuestionQuerySet":
        return self.filter(solved_at__isnull=False)


class Question(models.Model):
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("community"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    details = models.TextField(_("details"))
    urgent = models.BooleanField(_("urgent"), default=False)
    attachment = models.FileField(
        _("attachment"),
        upload_to=attachment_upload_to,
        blank=True,
        validators=ATTACHMENT_VALIDATORS,
    )
    # The attachment's words, read once when the question is saved (questions.search_sources),
    # for the search: "" when it has none (an image, a broken file), None when not read yet.
    attachment_text = models.TextField(  # noqa: DJ001
        _("attachment text"), null=True, blank=True, editable=False
    )
    # Kept with the answer's flag by questions.services under a lock on the question: the list
    # sorts and filters on it without looking at the answers.
    solved_at = models.DateTimeField(pgettext_lazy("question", "solved"), null=True, blank=True)
    created_at = models.DateTimeField(
        pgettext_lazy("question", "asked"), auto_now_add=True, db_index=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "solved_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def author_name(self) -> str:
        return _name(self.author)

    @property
    def is_solved(self) -> bool:
        return self.solved_at is not None

    @property
    def attachment_name(self) -> str:
        return self.attachment.name.rsplit("/", 1)[-1] if self.attachment else ""


class Answer(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="question_answers",
        verbose_name=_("author"),
    )
    body = models.TextField(_("answer"))
    is_solution = models.BooleanField(_("solved the question"), default=False)
    created_at = models.DateTimeField(pgettext_lazy("answer", "written"), auto_now_add=True)
    edited_at = models.DateTimeField(pgettext_lazy("answer", "edited"), null=True, blank=True)
    # Moderation: the answer stays in the thread as "removed", with who removed it and when;
    # its text is kept for staff (the admin), never shown in the thread.
    removed_at = models.DateTimeField(pgettext_lazy("answer", "removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("answer", "removed by"),
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(is_solution=True),
                name="one_solution_per_question",
            ),
            models.CheckConstraint(
                condition=Q(is_solution=False) | Q(removed_at__isnull=True),
                name="a_removed_answer_solves_nothing",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def author_name(self) -> str:
        return _name(self.author)

    @property
    def removed_by_name(self) -> str:
        return _name(self.removed_by)
