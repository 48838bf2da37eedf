from django.urls import path

from attestations import views

app_name = "attestations"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:year>/pdf/", views.download, name="download"),
    path("verifier/", views.verify, name="verify"),
    path("verifier/<str:code>/", views.verify_code, name="verify_code"),
]
