from django.urls import path

from meetings import views

app_name = "meetings"

# Fixed paths come before "<int:pk>/".
urlpatterns = [
    path("mes-rencontres/", views.my_meetings, name="mine"),
    path("calendrier/nouvelle-adresse/", views.feed_regenerate, name="feed_regenerate"),
    path("calendrier/<str:token>.ics", views.member_feed, name="feed"),
    path("nouvelle/<slug:slug>/", views.meeting_schedule, name="schedule"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/reponse/", views.rsvp, name="rsvp"),
    path("<int:pk>/liste-attente/", views.seat_request, name="seat_request"),
    path(
        "<int:pk>/liste-attente/retrait/",
        views.seat_request_withdraw,
        name="seat_request_withdraw",
    ),
    path("<int:pk>/modifier/", views.meeting_edit, name="edit"),
    path("<int:pk>/annuler/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/participants/", views.roster, name="roster"),
    path("<int:pk>/participants.csv", views.roster_csv, name="roster_csv"),
    path("<int:pk>/relancer/", views.remind_unanswered, name="remind_unanswered"),
    path("<int:pk>/presences/", views.attendance, name="attendance"),
    path("<int:pk>/suivi/", views.followup, name="followup"),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/retirer/",
        views.document_remove,
        name="document_remove",
    ),
    path("<int:pk>/calendrier.ics", views.meeting_ics, name="ics"),
]
