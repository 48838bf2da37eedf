from django.urls import path

from health import views

app_name = "health"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("sante.csv", views.overview_csv, name="overview_csv"),
    path("communautes/<slug:slug>/", views.community, name="community"),
    path("communautes/<slug:slug>/sante.csv", views.community_csv, name="community_csv"),
]
