from django.urls import path

from talks import feeds, views

app_name = "talks"

urlpatterns = [
    path("", views.talk_list, name="list"),
    path("flux.rss", feeds.TalksFeed(), name="feed_rss"),
    path("flux.atom", feeds.TalksAtomFeed(), name="feed_atom"),
    path("<int:pk>/", views.talk_detail, name="detail"),
]
