"""A member's continuing education (their own only), its attestations as PDF, and the public
page that checks an attestation's code and shows nothing but what it attests."""

# allauth's own limiter (the one the portal's log-in uses, counted in the shared cache): its
# public helper never limits a GET, and this page is a GET (a link printed on a PDF).
from allauth.core.internal import ratelimit
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from attestations import selectors, services
from attestations.forms import VerifyForm
from attestations.wording import period_words
from meetings.services import LOCAL_ZONE


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The member's meetings attended, a year at a time (the years are the pages), with the
    totals per year and per reference period."""
    record = selectors.education_record(member=request.user)
    years = [total.year for total in record.years]
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        year = years[0] if years else timezone.localdate(timezone.now(), LOCAL_ZONE).year
    if years and year not in years:
        raise Http404
    context = {
        "record": record,
        "year": year,
        "activities": record.of_year(year),
        "year_total": next((total for total in record.years if total.year == year), None),
        "periods": [(period_words(total.period), total) for total in record.periods],
        "current_period": period_words(record.current_period),
        "attestations": selectors.attestations_of(member=request.user),
    }
    return render(request, "attestations/mine.html", context)


@login_required
@require_POST
def download(request: HttpRequest, year: int) -> HttpResponse:
    """Issues (or finds again) the member's attestation of ``year`` and sends it as a PDF.
    A POST: issuing writes the record its code points to."""
    try:
        attestation, activities = services.attestation_issue(member=request.user, year=year)
    except services.NothingToAttest as error:
        raise Http404 from error
    verify_url = request.build_absolute_uri(
        reverse("attestations:verify_code", args=[attestation.code])
    )
    # Here, not at the top: ReportLab (with Pillow) weighs megabytes in every web worker that
    # imports it, and only this download needs it.
    from attestations.pdf import attestation_pdf

    content = attestation_pdf(
        attestation=attestation,
        activities=activities,
        language=request.user.preferred_language,
        verify_url=verify_url,
        holder=attestation.holder_name or request.user.email,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-aimq-{year}.pdf"'
    return response


def _verified(request: HttpRequest, code: str, form: VerifyForm | None) -> HttpResponse:
    # Every code, known or not, costs the same: one rate-limited look-up.
    refused = ratelimit.consume_or_429(
        request, app="allauth.account", action="attestation_verify", limit_get=True
    )
    if refused:
        return refused
    attestation = selectors.attestation_by_code(code)
    context = {"form": form or VerifyForm(), "attestation": attestation, "checked": True}
    return render(
        request, "attestations/verify.html", context, status=200 if attestation or form else 404
    )


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Public: the form, and its answer on the same page (a GET: nothing changes)."""
    if "code" not in request.GET:
        return render(request, "attestations/verify.html", {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if not form.is_valid():
        return render(request, "attestations/verify.html", {"form": form})
    return _verified(request, form.cleaned_data["code"], form)


@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """Public: the link printed on the attestation; 404 (with the same clear message) for an
    unknown code."""
    return _verified(request, code, None)
