from catalog import views
from django.urls import path

urlpatterns = [
    path("communities/", views.community_list, name="list"),
    path("communities/<slug:slug>/", views.community_detail, name="detail"),
]
