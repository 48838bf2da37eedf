"""The join-request inbox's request cards, written in Python rather than in templates: the
requester's profile, the decision form, and the card that holds them with the request. The
inbox repeats them for each of its fifty requests; in templates, at a dozen Python calls for
each variable or tag, the fifty cards took three quarters of the page's time, and written here,
as Django admin writes its paginator links, they take under a quarter of that. The markup is
what the templates wrote (labels, ids, ``aria-*``); the request page shows the profile and the
form through the ``requester_profile`` and ``decision_form`` tags.

As in the templates: translations are trusted (not escaped), every value is escaped."""

import functools
import html

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from communities.forms import DecisionForm
from submit_once.forms import TOKEN_FIELD, new_token


def _escaped(value) -> str:
    """``conditional_escape`` without its detour through Django's lazy-aware ``escape`` (a few
    calls per value, some forty values per card): what is safe already as it is, anything else
    escaped as Django escapes it."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _format_html(format_string: str, *args, **kwargs) -> SafeString:
    """Django's ``format_html``, escaping with ``_escaped``."""
    return mark_safe(
        format_string.format(
            *map(_escaped, args), **{name: _escaped(value) for name, value in kwargs.items()}
        )
    )


def _translated(text: str, **values) -> SafeString:
    """A translation as ``{% blocktranslate %}`` writes it: as is, its values escaped. (The
    callers call gettext themselves, so that makemessages finds the messages.)"""
    if values:
        text %= {name: _escaped(value) for name, value in values.items()}
    return mark_safe(text)


@functools.lru_cache(maxsize=8)
def _words(language: str | None) -> dict[str, SafeString]:
    """The cards' fixed words in ``language``, translated once per process rather than eight
    times per card (each gettext reads the active language from a context-local)."""
    message = DecisionForm.base_fields["message"]
    with translation.override(language):
        return {
            "job_title": mark_safe(gettext("Job title")),
            "organisation": mark_safe(gettext("Organisation")),
            "region": mark_safe(gettext("Administrative region")),
            "expertise": mark_safe(gettext("Areas of expertise")),
            "email": mark_safe(gettext("E-mail address")),
            "motivation": mark_safe(gettext("Motivation")),
            # Form labels are values in the templates: escaped.
            "message_label": conditional_escape(message.label),
            "message_help": conditional_escape(message.help_text),
        }


def requester_profile_html(requester) -> SafeString:
    """What leads read of a requester to decide: job, organisation, region, expertise and
    e-mail address (a dash for what the member left blank)."""
    words = _words(translation.get_language())
    organisation_type = ""
    if requester.organisation_type:
        organisation_type = _format_html(" ({})", requester.organisation_type_label)
    return _format_html(
        '<dl class="row small mb-2">\n'
        '  <dt class="col-sm-4">{}</dt><dd class="col-sm-8">{}</dd>\n'
        '  <dt class="col-sm-4">{}</dt><dd class="col-sm-8">{}{}</dd>\n'
        '  <dt class="col-sm-4">{}</dt><dd class="col-sm-8">{}</dd>\n'
        '  <dt class="col-sm-4">{}</dt><dd class="col-sm-8">{}</dd>\n'
        '  <dt class="col-sm-4">{}</dt><dd class="col-sm-8"><a href="mailto:{}">{}</a></dd>\n'
        "</dl>",
        words["job_title"],
        requester.job_title or "—",
        words["organisation"],
        requester.organisation or "—",
        organisation_type,
        words["region"],
        requester.region_label or "—",
        words["expertise"],
        linebreaksbr(requester.expertise or "—", autoescape=True),
        words["email"],
        requester.email,
        requester.email,
    )


def _errors_text(errors) -> SafeString:
    """``{% for error in errors %}{{ error }} {% endfor %}``"""
    return mark_safe("".join(f"{_escaped(error)} " for error in errors))


# One format for the whole form: each value is escaped once.
_DECISION_FORM = (
    '<form method="post" action="{action}" novalidate>\n'
    "{csrf}"
    '  <input type="hidden" name="next" value="{next_url}">\n'
    '  <input type="hidden" name="{token_name}"{token_value} data-submit-once="" id="{token_id}">\n'
    "{alerts}"
    '  <div class="mb-2">\n'
    '    <label class="form-label" for="{id}">{label}</label>\n'
    '    <textarea name="{name}" id="{id}" rows="2" maxlength="2000"\n'
    '              class="form-control{invalid_class}"\n'
    '              {invalid_attr}aria-describedby="{id}_help{error_ref}">'
    "{value}</textarea>\n"
    '    <div id="{id}_help" class="form-text">{help}</div>\n'
    "{error}"
    "  </div>\n"
    '  <div class="d-flex flex-wrap gap-2">\n'
    '    <button type="submit" name="{decision}" value="approve" class="btn btn-success">\n'
    "      {approve}\n"
    "    </button>\n"
    '    <button type="submit" name="{decision}" value="decline" class="btn btn-outline-danger">\n'
    "      {decline}\n"
    "    </button>\n"
    "  </div>\n"
    "</form>"
)


def _form_alerts(form) -> SafeString:
    """What a decision sent without a choice, or refused as a whole, says above the form."""
    alerts = []
    if form.errors:
        if form["decision"].errors:
            alerts.append(
                _format_html(
                    '  <div class="alert alert-danger" role="alert">{}</div>\n',
                    _translated(gettext("Choose to approve or decline the request.")),
                )
            )
        if form.non_field_errors():
            alerts.append(
                _format_html(
                    '  <div class="alert alert-danger" role="alert">{}</div>\n',
                    _errors_text(form.non_field_errors()),
                )
            )
    return mark_safe("".join(alerts))


def decision_form_html(*, join_request, form, next_url: str, csrf_token) -> SafeString:
    """The form that approves or declines ``join_request``, posted to the request's page,
    which then goes to ``next_url``: ``form`` is a ``DecisionForm`` shown again (bound, with its
    errors), or None for a blank one. The message field is described by its help text and, when
    it has one, its error; the buttons name the requester."""
    if form is None:
        # Written without building the form (the inbox shows fifty): the names and ids Django
        # gives a DecisionForm's fields under this prefix, which the request's page reads.
        prefix = DecisionForm.prefix_for(join_request)
        token_name = f"{prefix}-{TOKEN_FIELD}"
        token_id, token_value = f"id_{token_name}", new_token()
        message_name = f"{prefix}-message"
        message_id = f"id_{message_name}"
        words = _words(translation.get_language())
        label, help_text = words["message_label"], words["message_help"]
        decision_name = f"{prefix}-decision"
        message_errors, value, alerts = [], "", ""
    else:
        token = form[TOKEN_FIELD]
        token_name, token_id, token_value = token.html_name, token.auto_id, token.value()
        message = form["message"]
        message_name, message_id = message.html_name, message.auto_id
        label = conditional_escape(message.label)
        help_text = conditional_escape(message.help_text)
        decision_name = form.add_prefix("decision")
        message_errors, value, alerts = message.errors, message.value(), _form_alerts(form)
    member = join_request.member.display_name
    invalid = bool(message_errors)
    csrf = ""
    if csrf_token and csrf_token != "NOTPROVIDED":  # as {% csrf_token %}
        csrf = _format_html(
            '  <input type="hidden" name="csrfmiddlewaretoken" value="{}">\n', csrf_token
        )
    return _format_html(
        _DECISION_FORM,
        action=reverse("communities:request_detail", args=[join_request.pk]),
        csrf=csrf,
        next_url=next_url,
        token_name=token_name,
        # As the token's HiddenInput: no value attribute for an empty value.
        token_value=_format_html(' value="{}"', token_value)
        if token_value not in (None, "")
        else "",
        token_id=token_id,
        alerts=alerts,
        id=message_id,
        label=label,
        name=message_name,
        invalid_class=" is-invalid" if invalid else "",
        invalid_attr=mark_safe('aria-invalid="true" ') if invalid else "",
        error_ref=_format_html(" {}_error", message_id) if invalid else "",
        value=value if value is not None else "",
        help=help_text,
        error=_format_html(
            '    <div id="{}_error" class="invalid-feedback d-block">{}</div>\n',
            message_id,
            _errors_text(message_errors),
        )
        if invalid
        else "",
        decision=decision_name,
        approve=_translated(gettext("Approve %(member)s"), member=member),
        decline=_translated(gettext("Decline %(member)s"), member=member),
    )


_INBOX_REQUEST = (
    '<article class="card mb-3" aria-labelledby="request-{pk}-heading">\n'
    '  <div class="card-body">\n'
    '    <h2 id="request-{pk}-heading" class="h5 card-title">\n'
    "      {heading}\n"
    "    </h2>\n"
    '    <p class="small text-body-secondary">\n'
    "      {sent}\n"
    "{full}"
    "    </p>\n"
    "{profile}\n"
    '    <h3 class="h6">{motivation_title}</h3>\n'
    '    <blockquote class="border-start ps-3">{motivation}</blockquote>\n'
    "{form}\n"
    "  </div>\n"
    "</article>\n"
)


def inbox_request_html(*, join_request, next_url: str, csrf_token) -> SafeString:
    """A pending request as the inbox shows it: who asks to join which community, when, its
    place on the waiting list while the community is full, the requester's profile, their
    motivation and a blank decision form."""
    member = join_request.member
    full = ""
    if join_request.community_is_full:
        full = _format_html(
            '      <span class="badge text-bg-warning">{}</span>\n',
            _translated(
                gettext("Community full: waiting list position %(position)s"),
                position=localize(join_request.position),
            ),
        )
    sent_on = date_format(timezone.localtime(join_request.created_at), "DATETIME_FORMAT")
    return _format_html(
        _INBOX_REQUEST,
        pk=join_request.pk,
        heading=_translated(
            gettext("%(member)s asks to join %(community)s"),
            member=member.display_name,
            community=join_request.community.name,
        ),
        sent=_translated(gettext("Sent on %(date)s"), date=sent_on),
        full=full,
        profile=requester_profile_html(member),
        motivation_title=_words(translation.get_language())["motivation"],
        motivation=linebreaksbr(join_request.motivation, autoescape=True),
        form=decision_form_html(
            join_request=join_request,
            form=None,
            next_url=next_url,
            csrf_token=csrf_token,
        ),
    )
