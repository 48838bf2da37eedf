"""Two fragments of the join-request pages written in Python rather than in templates: a
requester's profile and the decision form. The inbox repeats both for each of its fifty
requests, and at a dozen Python calls for each template variable or tag they cost twice the
rest of the page; written here, as Django admin writes its paginator links, they cost a tenth.
The markup is what the templates wrote (labels, ids, ``aria-*``); the request page uses the
same functions through the ``requester_profile`` and ``decision_form`` tags.

As in the templates: translations are trusted (not escaped), every value is escaped."""

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from submit_once.forms import TOKEN_FIELD


def _translated(message: str, **values) -> SafeString:
    """``{% blocktranslate %}``: the translation as is, the values escaped."""
    text = gettext(message)
    if values:
        text = text % {name: conditional_escape(value) for name, value in values.items()}
    return mark_safe(text)


def requester_profile_html(requester) -> SafeString:
    """What leads read of a requester to decide: job, organisation, region, expertise and
    e-mail address (a dash for what the member left blank)."""
    organisation_type = ""
    if requester.organisation_type:
        organisation_type = format_html(" ({})", requester.organisation_type_label)
    return format_html(
        '<dl class="row small mb-2">\n'
        '  <dt class="col-sm-4">{}</dt><dd class="col-sm-8">{}</dd>\n'
        '  <dt class="col-sm-4">{}</dt><dd class="col-sm-8">{}{}</dd>\n'
        '  <dt class="col-sm-4">{}</dt><dd class="col-sm-8">{}</dd>\n'
        '  <dt class="col-sm-4">{}</dt><dd class="col-sm-8">{}</dd>\n'
        '  <dt class="col-sm-4">{}</dt><dd class="col-sm-8"><a href="mailto:{}">{}</a></dd>\n'
        "</dl>",
        _translated("Job title"),
        requester.job_title or "—",
        _translated("Organisation"),
        requester.organisation or "—",
        organisation_type,
        _translated("Administrative region"),
        requester.region_label or "—",
        _translated("Areas of expertise"),
        linebreaksbr(requester.expertise or "—", autoescape=True),
        _translated("E-mail address"),
        requester.email,
        requester.email,
    )


def _errors_text(errors) -> SafeString:
    """``{% for error in errors %}{{ error }} {% endfor %}``"""
    return mark_safe("".join(f"{conditional_escape(error)} " for error in errors))


def decision_form_html(*, join_request, form, next_url: str, csrf_token) -> SafeString:
    """The form that approves or declines ``join_request`` (a ``DecisionForm``, bound or not,
    with its errors), posted to the request's page, which then goes to ``next_url``. The
    message field is described by its help text and, when it has one, its error; the buttons
    name the requester."""
    token = form[TOKEN_FIELD]
    token_value = token.value()
    message = form["message"]
    message_id = message.auto_id
    message_errors = message.errors
    value = message.value()
    member = join_request.member.display_name
    decision_name = form.add_prefix("decision")
    parts = [
        format_html(
            '<form method="post" action="{}" novalidate>\n',
            reverse("communities:request_detail", args=[join_request.pk]),
        )
    ]
    if csrf_token and csrf_token != "NOTPROVIDED":  # as {% csrf_token %}
        parts.append(
            format_html(
                '  <input type="hidden" name="csrfmiddlewaretoken" value="{}">\n', csrf_token
            )
        )
    parts.append(format_html('  <input type="hidden" name="next" value="{}">\n', next_url))
    # The one-time token (submit_once), as its HiddenInput renders it.
    parts.append(
        format_html(
            '  <input type="hidden" name="{}"{} data-submit-once="" id="{}">\n',
            token.html_name,
            format_html(' value="{}"', token_value) if token_value not in (None, "") else "",
            token.auto_id,
        )
    )
    if form.errors:
        if form["decision"].errors:
            parts.append(
                format_html(
                    '  <div class="alert alert-danger" role="alert">{}</div>\n',
                    _translated("Choose to approve or decline the request."),
                )
            )
        if form.non_field_errors():
            parts.append(
                format_html(
                    '  <div class="alert alert-danger" role="alert">{}</div>\n',
                    _errors_text(form.non_field_errors()),
                )
            )
    invalid = bool(message_errors)
    parts.append(
        format_html(
            '  <div class="mb-2">\n'
            '    <label class="form-label" for="{id}">{label}</label>\n'
            '    <textarea name="{name}" id="{id}" rows="2" maxlength="2000"\n'
            '              class="form-control{invalid_class}"\n'
            '              {invalid_attr}aria-describedby="{id}_help{error_ref}">'
            "{value}</textarea>\n"
            '    <div id="{id}_help" class="form-text">{help}</div>\n'
            "{error}"
            "  </div>\n",
            id=message_id,
            label=str(message.label),
            name=message.html_name,
            invalid_class=" is-invalid" if invalid else "",
            invalid_attr=mark_safe('aria-invalid="true" ') if invalid else "",
            error_ref=format_html(" {}_error", message_id) if invalid else "",
            value=value if value is not None else "",
            help=str(message.help_text),
            error=format_html(
                '    <div id="{}_error" class="invalid-feedback d-block">{}</div>\n',
                message_id,
                _errors_text(message_errors),
            )
            if invalid
            else "",
        )
    )
    parts.append(
        format_html(
            '  <div class="d-flex flex-wrap gap-2">\n'
            '    <button type="submit" name="{name}" value="approve" class="btn btn-success">\n'
            "      {approve}\n"
            "    </button>\n"
            '    <button type="submit" name="{name}" value="decline" '
            'class="btn btn-outline-danger">\n'
            "      {decline}\n"
            "    </button>\n"
            "  </div>\n"
            "</form>",
            name=decision_name,
            approve=_translated("Approve %(member)s", member=member),
            decline=_translated("Decline %(member)s", member=member),
        )
    )
    return mark_safe("".join(parts))
