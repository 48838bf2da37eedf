"""The hidden one-time token of a creating form."""

import secrets
from datetime import timedelta

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

TOKEN_FIELD = "submit_token"
# A form left open longer is refused once (with a fresh token): tokens older than this may have
# been pruned from the submissions already recorded (see services.submissions_prune).
TOKEN_MAX_AGE = timedelta(days=7)
_signer = signing.TimestampSigner(salt="submit_once.token")


def new_token() -> str:
    """A random nonce, signed with the time it was issued."""
    return _signer.sign(secrets.token_urlsafe(18))


def token_nonce(token: str) -> str | None:
    """The nonce of a token the portal issued less than TOKEN_MAX_AGE ago, else None."""
    try:
        return _signer.unsign(token, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None


class SubmitOnceMixin:
    """Adds the hidden one-time token. After validation the form's ``submit_token`` holds the
    token's nonce (None when the POST carried none); ``cleaned_data`` does not hold it, so a view
    may pass ``**form.cleaned_data`` to a service as before.

    A token the portal did not issue, or issued too long ago, is a form error: the page is shown
    again with the visitor's input and a fresh token. A POST without the field (a script, not a
    browser showing the form) is not guarded: like an idempotency key, the token is the
    client's way to say "this is the same submission"."""

    submit_token: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = forms.CharField(
            required=False,
            initial=new_token,
            widget=forms.HiddenInput(attrs={"data-submit-once": ""}),
        )

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        raw = self.cleaned_data.pop(TOKEN_FIELD, "") or ""
        if not raw:
            return
        self.submit_token = token_nonce(raw)
        if self.submit_token is None:
            self.add_error(
                None,
                forms.ValidationError(
                    _("This form was open too long to be sent. Check it, then send it again."),
                    code="submit_token",
                ),
            )
            # Shown again with a token that will be accepted.
            data = self.data.copy()
            data[self.add_prefix(TOKEN_FIELD)] = new_token()
            self.data = data
