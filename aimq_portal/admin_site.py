"""The portal's admin site: Django's, with every page validating what it is given before it
queries or saves (PostgreSQL refuses what SQLite lets through: a NUL in a string, a number past
its column), and a log-in under the members' rate limits (allauth's ACCOUNT_RATE_LIMITS).

Every ModelAdmin registered here (the portal's and the installed apps') is given
``ValidatingAdminMixin`` by ``register``, so a new admin page is covered without anyone
remembering to; tests/test_admin_input.py walks them all."""

from functools import wraps

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _
from django.views.defaults import bad_request

# The columns' ranges on PostgreSQL (the narrowest of the databases the portal runs on).
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def _holds_nul(data) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )


class ValidatingChangeList(ChangeList):
    """Filters that cannot be computed or queried are the admin's "invalid filter" (it sends
    the page back unfiltered) rather than a server error."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            # A date drill-down past the calendar's ends: ?created_at__year=9999&month=12
            # overflows while Django computes the next month.
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            super().get_results(request)
        except OverflowError as error:
            # A value the database driver cannot convert (on SQLite, an id past 64 bits or a
            # date that is past 9999 in UTC): raised by the count, before any page is shown.
            raise IncorrectLookupParameters(error) from error


class ValidatingAdminMixin:
    """Bounds number fields by their column, refuses list filters and action selections that
    could not be queried, instead of answering 500."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.IntegerField) and not db_field.primary_key:
            low, high = INTEGER_RANGES[db_field.get_internal_type()]
            kwargs.setdefault("max_value", high)
            kwargs["min_value"] = max(kwargs.get("min_value", low), low)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if issubclass(changelist, ValidatingChangeList):
            return changelist
        return type(
            changelist.__name__,
            (ValidatingChangeList, changelist),
            {"__module__": changelist.__module__},
        )

    def response_action(self, request, queryset):
        pk_field = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                # The id's type and, for integers, the column's range.
                pk_field.run_validators(pk_field.to_python(value))
        except ValidationError:
            self.message_user(
                request,
                _("The selection is not valid: select the items again. Nothing was changed."),
                messages.WARNING,
            )
            return None
        return super().response_action(request, queryset)


class AdminLoginForm(AdminAuthenticationForm):
    """Authenticates through allauth, as the members' log-in does: each failure counts toward
    the "login_failed" limits (per address and per IP, shared with the members' log-in), and a
    success rolls its own attempt back."""

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = get_adapter(self.request).authenticate(
                    self.request, email=email, password=password
                )
            except ValidationError as error:
                if error.code == "too_many_login_attempts":
                    raise ratelimit.RateLimited from error
                raise
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class PortalAdminSite(admin.AdminSite):
    login_form = AdminLoginForm

    def login(self, request, extra_context=None):
        """The members' limits apply: "login" per IP on every attempt, "login_failed" through
        the form. Over a limit, the portal's French 429 page."""
        if request.method == "POST":
            refused = ratelimit.consume_or_429(request, action="login")
            if refused:
                return refused
        try:
            return super().login(request, extra_context)
        except ratelimit.RateLimited:
            return ratelimit.respond_429(request)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ValidatingAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (ValidatingAdminMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def refuse_nul(request, *args, **kwargs):
            # No text column can hold a NUL: whatever a filter, search or form would do with
            # one, PostgreSQL refuses it. The page says "bad request" instead of 500.
            if _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
                return bad_request(request, SuspiciousOperation("NUL character in a parameter"))
            return inner(request, *args, **kwargs)

        return refuse_nul
