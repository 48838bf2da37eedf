from django.urls import path

from scheduling import views

app_name = "scheduling"

# Under /communautes/<slug>/sondages/ (aimq_portal/urls.py).
urlpatterns = [
    path("", views.poll_list, name="list"),
    path("proposer/", views.poll_create, name="create"),
    path("<int:pk>/", views.poll_detail, name="detail"),
    path("<int:pk>/modifier/", views.poll_edit, name="edit"),
    path("<int:pk>/repondre/", views.poll_answer, name="answer"),
    path("<int:pk>/fermer/", views.poll_close, name="close"),
    path("<int:pk>/planifier/<int:option_pk>/", views.poll_schedule, name="schedule"),
]
