"""The association's staff manage communities here. Every change with business meaning goes
through ``communities.services``, so the admin cannot break the cap or skip the history.

The community form and the "add members" inline call the services while they validate: that is
the only moment a service's ValidationError can still become a form error. Their writes then
belong to the change page's transaction, which ``CommunityAdmin.changeform_view`` rolls back
when the page is shown again with errors, so a half-valid submission changes nothing.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from aimq_portal.spreadsheets import spreadsheet_cell
from communities import services
from communities.models import (
    Community,
    CommunityStatus,
    Decision,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Role,
)


def _members_csv_response(communities, filename: str) -> HttpResponse:
    """One row per membership. UTF-8 with a byte-order mark: without it Excel reads accents as
    Windows-1252 and shows "QuÃ©bec"."""
    memberships = (
        Membership.objects.filter(community__in=communities)
        .select_related("member", "community")
        .order_by("community__name_fr", "member__last_name", "member__first_name", "pk")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            gettext("Community"),
            gettext("Name"),
            gettext("E-mail"),
            gettext("Organisation"),
            gettext("Region"),
            gettext("Role"),
            gettext("Joined"),
        ]
    )
    for membership in memberships:
        member = membership.member
        writer.writerow(
            [
                spreadsheet_cell(membership.community.name),
                spreadsheet_cell(member.get_full_name()),
                spreadsheet_cell(member.email),
                spreadsheet_cell(member.organisation),
                spreadsheet_cell(member.get_region_display()),
                membership.get_role_display(),
                timezone.localtime(membership.joined_at).date().isoformat(),
            ]
        )
    return response


class CommunityAdminForm(forms.ModelForm):
    # Set per request by CommunityAdmin.get_form: the service records who changed the capacity.
    changed_by = None

    class Meta:
        model = Community
        fields = (
            "slug",
            "status",
            "capacity",
            "accepting_requests",
            "name_fr",
            "summary_fr",
            "mandate_fr",
            "name_en",
            "summary_en",
            "mandate_en",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            # Left out, a new community is open, as every community was before.
            self.fields["status"].required = False

    def clean_status(self):
        return self.cleaned_data.get("status") or CommunityStatus.OPEN

    def clean(self):
        cleaned_data = super().clean()
        capacity = cleaned_data.get("capacity")
        if self.instance.pk and capacity is not None and "capacity" in self.changed_data:
            # The service locks the community, recounts and records the change; the row lock is
            # held until the change page's transaction ends, so the save that follows is safe.
            try:
                services.community_set_capacity(
                    community=self.instance, capacity=capacity, changed_by=self.changed_by
                )
            except ValidationError as error:
                self.add_error("capacity", error)
        return cleaned_data


class MembershipInline(admin.TabularInline):
    """The current members. Only the role changes here: a seat is added below (through the cap)
    and freed from the portal's member list, where a removal carries its reason."""

    model = Membership
    verbose_name = _("member")
    verbose_name_plural = _("members")
    fields = ("member", "organisation", "region", "role", "joined_at")
    readonly_fields = ("member", "organisation", "region", "joined_at")
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("member", "community")
            .order_by("member__last_name", "member__first_name", "pk")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("organisation"))
    def organisation(self, membership):
        return membership.member.organisation

    @admin.display(description=_("region"))
    def region(self, membership):
        return membership.member.get_region_display()


class NewMembershipFormSet(forms.BaseInlineFormSet):
    # Set per request by NewMembershipInline.get_formset.
    added_by = None

    def clean(self):
        super().clean()
        for form in self.extra_forms:
            if not form.has_changed() or form.errors or self._should_delete_form(form):
                continue
            try:
                membership = services.membership_add(
                    community=self.instance,
                    member=form.cleaned_data["member"],
                    role=form.cleaned_data["role"],
                    added_by=self.added_by,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                # The seat exists now; the formset's save must not create it a second time.
                form.instance = membership


class NewMembershipInline(admin.TabularInline):
    model = Membership
    formset = NewMembershipFormSet
    verbose_name = _("new member")
    verbose_name_plural = _("add members (the capacity applies)")
    fields = ("member", "role")
    autocomplete_fields = ("member",)
    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)
        return type(formset_class.__name__, (formset_class,), {"added_by": request.user})


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    form = CommunityAdminForm
    list_display = (
        "name_fr",
        "status",
        "interest_count",
        "capacity",
        "members_count",
        "seats_left",
        "waiting_count",
        "accepting_requests",
        "members_export",
    )
    list_filter = ("status", "accepting_requests")
    search_fields = ("name_fr", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_fr",)}
    actions = ("export_members_csv", "open_selected")
    fieldsets = (
        (None, {"fields": ("slug", "status", "capacity", "accepting_requests")}),
        (_("French"), {"fields": ("name_fr", "summary_fr", "mandate_fr")}),
        (_("English"), {"fields": ("name_en", "summary_en", "mandate_en")}),
    )

    def get_queryset(self, request):
        # Subquery-free annotations: two distinct counts over the joins, computed by the
        # database for the whole page in the changelist's one query.
        return (
            super()
            .get_queryset(request)
            .annotate(
                members_count=Count("memberships", distinct=True),
                interest_count=Count("interests", distinct=True),
                waiting_count=Count(
                    "join_requests",
                    filter=Q(join_requests__status=JoinRequestStatus.PENDING),
                    distinct=True,
                ),
            )
            .annotate(seats_left=F("capacity") - F("members_count"))
        )

    def get_readonly_fields(self, request, obj=None):
        # Chosen when the community is created; it is opened by ``services.community_open``
        # (the action, or the button on its page), which tells the interested members.
        return ("status",) if obj is not None else ()

    def get_inlines(self, request, obj):
        # A new community has no seats to fill yet; save it, then add its members.
        return (MembershipInline, NewMembershipInline) if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        return type(form_class.__name__, (form_class,), {"changed_by": request.user})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            context = getattr(response, "context_data", None) or {}
            if request.method == "POST" and context.get("errors"):
                # Shown again with errors: undo what the services did while validating.
                transaction.set_rollback(True)
        return response

    def save_formset(self, request, form, formset, change):
        if isinstance(formset, NewMembershipFormSet):
            # The seats were taken by the service during validation; this only lists them
            # for the change message.
            formset.save(commit=False)
            return
        memberships = formset.save(commit=False)
        for membership in memberships:
            if membership.role == Role.LEAD:
                services.lead_assign(
                    community=membership.community,
                    member=membership.member,
                    assigned_by=request.user,
                )
            else:
                membership.save(update_fields=["role"])

    @admin.display(description=_("members"), ordering="members_count")
    def members_count(self, community):
        return community.members_count

    @admin.display(description=_("interested"), ordering="interest_count")
    def interest_count(self, community):
        return community.interest_count

    @admin.display(description=_("seats left"), ordering="seats_left")
    def seats_left(self, community):
        return max(community.seats_left, 0)

    @admin.display(description=_("waiting list"), ordering="waiting_count")
    def waiting_count(self, community):
        return community.waiting_count

    @admin.display(description=_("export"))
    def members_export(self, community):
        url = reverse("admin:communities_community_members_csv", args=[community.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Members (CSV)"))

    def get_urls(self):
        return [
            path(
                "<int:community_id>/members.csv",
                self.admin_site.admin_view(self.members_csv_view),
                name="communities_community_members_csv",
            ),
            *super().get_urls(),
        ]

    def members_csv_view(self, request, community_id: int):
        community = get_object_or_404(Community, pk=community_id)
        if not self.has_view_permission(request, community):
            raise PermissionDenied
        return _members_csv_response([community], f"{community.slug}-members.csv")

    @admin.action(description=_("Open the selected communities (the interested members are told)"))
    def open_selected(self, request, queryset):
        opened = [
            community.name
            for community in queryset.order_by("pk")
            if services.community_open(community=community, opened_by=request.user)
        ]
        if opened:
            self.message_user(
                request,
                gettext("Opened: %(names)s. The interested members were told by e-mail.")
                % {"names": ", ".join(opened)},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, gettext("The selected communities were already open."), messages.INFO
            )

    @admin.action(description=_("Export the members of the selected communities (CSV)"))
    def export_members_csv(self, request, queryset):
        slug = slugify(gettext("members"))
        return _members_csv_response(list(queryset), f"{slug}-{timezone.localdate()}.csv")


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Decisions go through the services: the actions below approve or decline, first come
    first served, and the cap holds. The request itself is read-only here."""

    list_display = ("member", "member_email", "community", "status", "created_at", "decided_at")
    list_filter = ("status", "community")
    search_fields = ("member__email", "member__first_name", "member__last_name")
    list_select_related = ("member", "community")
    date_hierarchy = "created_at"
    actions = ("approve_selected", "decline_selected")
    readonly_fields = (
        "community",
        "member",
        "motivation",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
        "decision_message",
        "leads_reminded_at",
        "staff_alerted_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would erase a member's request and its place in the history.
        return False

    @admin.display(description=_("e-mail"), ordering="member__email")
    def member_email(self, join_request):
        return join_request.member.email

    def _decide(self, request, queryset, decide) -> dict[str, list]:
        outcome: dict[str, list] = {"done": [], "full": [], "decided": []}
        # Oldest first: when seats are short, the waiting list's order decides who gets them.
        for join_request in queryset.select_related("community").order_by("created_at", "pk"):
            try:
                decide(join_request=join_request, decided_by=request.user)
            except services.AlreadyDecided:
                outcome["decided"].append(join_request)
            except services.CommunityFull:
                outcome["full"].append(join_request)
            else:
                outcome["done"].append(join_request)
        if outcome["decided"]:
            count = len(outcome["decided"])
            self.message_user(
                request,
                ngettext(
                    "%(count)d request was already decided and was left as it was.",
                    "%(count)d requests were already decided and were left as they were.",
                    count,
                )
                % {"count": count},
                messages.WARNING,
            )
        return outcome

    @admin.action(description=_("Approve selected requests"), permissions=["change"])
    def approve_selected(self, request, queryset):
        outcome = self._decide(request, queryset, services.join_request_approve)
        count = len(outcome["done"])
        self.message_user(
            request,
            ngettext("%(count)d request approved.", "%(count)d requests approved.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )
        if outcome["full"]:
            count = len(outcome["full"])
            full = sorted({join_request.community.name for join_request in outcome["full"]})
            self.message_user(
                request,
                ngettext(
                    "%(count)d request stayed on the waiting list because the community is "
                    "full: %(communities)s.",
                    "%(count)d requests stayed on the waiting list because the community is "
                    "full: %(communities)s.",
                    count,
                )
                % {"count": count, "communities": ", ".join(full)},
                messages.WARNING,
            )

    @admin.action(description=_("Decline selected requests"), permissions=["change"])
    def decline_selected(self, request, queryset):
        outcome = self._decide(request, queryset, services.join_request_decline)
        count = len(outcome["done"])
        self.message_user(
            request,
            ngettext("%(count)d request declined.", "%(count)d requests declined.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """The history is append-only: staff read it, nobody edits it."""

    list_display = ("created_at", "community", "action", "actor", "subject", "detail", "message")
    list_filter = ("community", "action")
    search_fields = ("actor__email", "subject__email", "subject__last_name", "message")
    list_select_related = ("community", "actor", "subject")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
