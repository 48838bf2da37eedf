"""Claiming a creating form's token, in the transaction that creates."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from submit_once.forms import TOKEN_MAX_AGE, SubmitOnceMixin
from submit_once.models import Submission


class AlreadySubmitted(Exception):
    """The form's token was used by an earlier POST that created something at ``result_url``.
    SubmitOnceMiddleware turns it into a message and a redirect there."""

    def __init__(self, result_url: str | None) -> None:
        super().__init__(result_url)
        self.result_url = result_url


@dataclass
class SubmissionResult:
    """Set ``result_url`` to the page of what was created, before the ``with`` block ends."""

    result_url: str = ""


@contextmanager
def submit_once(form: SubmitOnceMixin) -> Iterator[SubmissionResult]:
    """Runs the block (the creating service call) once per token of a valid form.

    The token is recorded first, in a transaction that spans the block: a second POST with the
    same token waits for the first to end (the unique index), then raises AlreadySubmitted. If
    the block raises (a ValidationError the view shows beside the form), everything is rolled
    back and the token stays usable for the corrected form."""
    result = SubmissionResult()
    token = form.submit_token
    if not token:
        yield result
        return
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = Submission.objects.create(token=token)
        except IntegrityError:
            previous = Submission.objects.filter(token=token).values_list("result_url", flat=True)
            raise AlreadySubmitted(previous.first()) from None
        yield result
        if not result.result_url:
            raise ImproperlyConfigured("submit_once: set result_url to what the form created.")
        Submission.objects.filter(pk=submission.pk).update(result_url=result.result_url)


def submissions_prune() -> int:
    """Forgets the submissions whose tokens the forms no longer accept. Returns how many."""
    deleted, _ = Submission.objects.filter(created_at__lt=timezone.now() - TOKEN_MAX_AGE).delete()
    return deleted
