from django.urls import path

from communities import notification_views, views

app_name = "communities"

# Fixed paths come before "<slug>/" so that they are never taken for a community.
urlpatterns = [
    path("", views.community_list, name="list"),
    path("demandes/", views.inbox, name="inbox"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("demandes/<int:pk>/retirer/", views.request_withdraw, name="request_withdraw"),
    path("mes-demandes/", views.my_requests, name="my_requests"),
    path("mes-notifications/", notification_views.notification_choices, name="notifications"),
    path(
        "notifications/<str:token>/",
        notification_views.notification_link,
        name="notification_link",
    ),
    path("<slug:slug>/", views.community_detail, name="detail"),
    path("<slug:slug>/rejoindre/", views.join, name="join"),
    path("<slug:slug>/quitter/", views.leave, name="leave"),
    path(
        "<slug:slug>/membres/<int:membership_id>/retirer/",
        views.member_remove,
        name="member_remove",
    ),
]
