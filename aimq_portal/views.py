from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy.html",
        {
            "privacy_officer": settings.PRIVACY_OFFICER,
            "privacy_officer_email": settings.PRIVACY_OFFICER_EMAIL,
        },
    )
