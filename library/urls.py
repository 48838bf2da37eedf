from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("communaute/<slug:slug>/", views.community_library, name="community"),
    path("communaute/<slug:slug>/ajouter/", views.resource_create, name="create"),
    path("<int:pk>/", views.resource_detail, name="detail"),
    path("<int:pk>/modifier/", views.resource_edit, name="edit"),
    path("<int:pk>/retirer/", views.resource_remove, name="remove"),
    path("<int:pk>/utile/", views.resource_useful, name="useful"),
    path("<int:pk>/versions/<int:version_pk>/", views.version_download, name="download"),
]
