from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from aimq_portal import health, views

admin.site.site_header = _("AIMQ – Communities of practice administration")
admin.site.site_title = _("AIMQ administration")
admin.site.index_title = _("Portal administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("confidentialite/", views.privacy, name="privacy"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("comptes/", include("allauth.urls")),
    path("profil/", include("members.urls")),
    # Before the communities' own pages: "<slug>/questions/" is never taken for one of them.
    path("communautes/<slug:slug>/questions/", include("questions.urls")),
    path("communautes/<slug:slug>/sondages/", include("scheduling.urls")),
    path("communautes/", include("communities.urls")),
    path("repertoire/", include("directory.urls")),
    path("rencontres/", include("meetings.urls")),
    path("attestations/", include("attestations.urls")),
    path("conferences/", include("talks.urls")),
    path("bibliotheque/", include("library.urls")),
    path("recherche/", include("search.urls")),
    path("sante/", include("health.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
