from django.urls import path

from questions import views

app_name = "questions"

# Under /communautes/<slug>/questions/ (aimq_portal/urls.py).
urlpatterns = [
    path("", views.question_list, name="list"),
    path("poser/", views.question_ask, name="ask"),
    path("<int:pk>/", views.question_detail, name="detail"),
    path("<int:pk>/modifier/", views.question_edit, name="edit"),
    path("<int:pk>/piece-jointe/", views.attachment, name="attachment"),
    path("<int:pk>/repondre/", views.answer_create, name="answer"),
    path("<int:pk>/rouvrir/", views.question_unsolve, name="unsolve"),
    path("<int:pk>/reponses/<int:answer_pk>/modifier/", views.answer_edit, name="answer_edit"),
    path("<int:pk>/reponses/<int:answer_pk>/retirer/", views.answer_remove, name="answer_remove"),
    path("<int:pk>/reponses/<int:answer_pk>/solution/", views.answer_solve, name="solve"),
]
