"""The library pages. A community's library shows each reader what they may see (members:
everything of their community; members of another community: what is shared with the
association; visitors: what is public). Others are told nothing exists (404); a visitor asked
for a resource that is not public is sent to log in. Files go through download, never
MEDIA_URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.models import Community
from library import selectors, services
from library.forms import ResourceCreateForm, ResourceForm
from library.models import Kind, Resource
from submit_once.services import submit_once

RESOURCES_PER_PAGE = 20
FOLLOWUPS_PER_PAGE = 10


def _resource_or_404(request: HttpRequest, pk: int) -> Resource:
    resource = selectors.resource_for(user=request.user, pk=pk)
    if resource is None:
        if not request.user.is_authenticated and Resource.objects.filter(pk=pk).exists():
            raise _LoginNeeded
        raise Http404
    return resource


class _LoginNeeded(Exception):
    pass


def _login_or_404(view):
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _LoginNeeded:
            return redirect_to_login(request.get_full_path())

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _detail_url(resource: Resource) -> str:
    return reverse("library:detail", args=[resource.pk])


def community_library(request: HttpRequest, slug: str) -> HttpResponse:
    community = get_object_or_404(Community, slug=slug)
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    tag = request.GET.get("tag", "").strip().lower()
    sort = "useful" if request.GET.get("sort") == "useful" else "newest"
    resources = selectors.resource_list(
        user=request.user, community=community, kind=kind, tag=tag, sort=sort
    )
    page = Paginator(resources, RESOURCES_PER_PAGE).get_page(request.GET.get("page"))
    followups = Paginator(
        selectors.meeting_followups(user=request.user, community=community), FOLLOWUPS_PER_PAGE
    ).get_page(request.GET.get("suivis"))
    return render(
        request,
        "library/library.html",
        {
            "community": community,
            "page": page,
            "kinds": Kind.choices,
            "kind": kind,
            "tag": tag,
            "sort": sort,
            "tags": selectors.community_tags(user=request.user, community=community),
            "filtered": bool(kind or tag),
            "can_post": services.can_post(request.user, community),
            "show_authors": selectors.can_see_authors(request.user, community),
            "followups": followups,
            "followup_items": selectors.followup_items(
                followups.object_list, user=request.user, community=community
            ),
        },
    )


@_login_or_404
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource_or_404(request, pk)
    return render(
        request,
        "library/resource_detail.html",
        {
            "resource": resource,
            "community": resource.community,
            "versions": list(resource.versions.all()),
            "can_change": services.can_change(request.user, resource),
            "show_authors": selectors.can_see_authors(request.user, resource.community),
            "can_mark": services.can_mark_useful(request.user, resource),
            "marked": selectors.is_marked_useful(user=request.user, resource=resource),
        },
    )


@_login_or_404
def version_download(request: HttpRequest, pk: int, version_pk: int) -> HttpResponse:
    resource = _resource_or_404(request, pk)
    version = get_object_or_404(resource.versions, pk=version_pk)
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename)


def _form_data(form: ResourceForm) -> dict:
    return {name: form.cleaned_data[name] for name in ResourceForm.base_fields}


@login_required
@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest, slug: str) -> HttpResponse:
    community = get_object_or_404(Community, slug=slug)
    if not services.can_post(request.user, community):
        raise PermissionDenied
    form = ResourceCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with submit_once(form) as submission:
            resource = services.resource_create(
                community=community, author=request.user, **_form_data(form)
            )
            submission.result_url = _detail_url(resource)
        messages.success(request, _("The resource is added to the library."))
        return redirect(_detail_url(resource))
    return render(request, "library/resource_form.html", {"form": form, "community": community})


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource_or_404(request, pk)
    if not services.can_change(request.user, resource):
        raise PermissionDenied
    initial = {
        "title": resource.title,
        "description": resource.description,
        "kind": resource.kind,
        "tags": ", ".join(tag.name for tag in resource.tags.all()),
        "municipality_size": resource.municipality_size,
        "visibility": resource.visibility,
        "url": resource.url,
    }
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        has_file=resource.versions.exists(),
    )
    if request.method == "POST" and form.is_valid():
        services.resource_update(resource=resource, updated_by=request.user, **_form_data(form))
        if form.cleaned_data["file"]:
            messages.success(request, _("The resource is saved with its new version."))
        else:
            messages.success(request, _("The resource is saved."))
        return redirect(_detail_url(resource))
    return render(
        request,
        "library/resource_form.html",
        {"form": form, "community": resource.community, "resource": resource},
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_remove(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource_or_404(request, pk)
    if not services.can_change(request.user, resource):
        raise PermissionDenied
    if request.method == "POST":
        community = resource.community
        title = resource.title
        services.resource_remove(resource=resource, removed_by=request.user)
        messages.success(request, _("The resource “%(title)s” is removed.") % {"title": title})
        return redirect(reverse("library:community", args=[community.slug]))
    return render(
        request,
        "library/resource_remove.html",
        {"resource": resource, "community": resource.community},
    )


@login_required
@require_POST
def resource_useful(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource_or_404(request, pk)
    if services.useful_toggle(resource=resource, member=request.user):
        messages.success(request, _("You marked this resource as useful."))
    else:
        messages.info(request, _("Your “useful” mark is taken back."))
    return redirect(_detail_url(resource))
