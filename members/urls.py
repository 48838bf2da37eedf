from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.profile_detail, name="profile"),
    path("modifier/", views.profile_edit, name="profile_edit"),
    path("consentement/", views.consent, name="consent"),
    path("donnees/", views.data_export, name="data_export"),
    path("fermer/", views.close_account, name="account_close"),
]
