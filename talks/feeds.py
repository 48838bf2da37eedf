"""The talks as a feed (RSS 2.0 and Atom), for feed readers: the newest shared first."""

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from meetings.models import FollowUp
from talks import selectors

FEED_ITEMS = 20


class TalksFeed(Feed):
    title = _("AIMQ communities of practice – talks")
    link = reverse_lazy("talks:list")
    description = _(
        "The talks the communities of practice of the Association des ingénieurs municipaux "
        "du Québec share with anyone interested."
    )

    def items(self) -> list[FollowUp]:
        # Newest shared first: a recording made public today of a meeting last month is news.
        return list(
            selectors.public_talks().order_by("-published_at", "-meeting__starts_at", "-pk")[
                :FEED_ITEMS
            ]
        )

    def item_title(self, item: FollowUp) -> str:
        return item.meeting.title

    def item_description(self, item: FollowUp) -> str:
        colon = pgettext("after a label", ":")
        lines = [item.meeting.community.name]
        if item.speakers_shown:
            lines.append(f"{_('Speakers')}{colon} {' '.join(item.speakers_shown.split())}")
        if item.public_summary:
            lines.append(strip_tags(item.public_summary))
        return "\n\n".join(lines)

    def item_link(self, item: FollowUp) -> str:
        return reverse("talks:detail", args=[item.meeting_id])

    def item_pubdate(self, item: FollowUp):
        return item.published_at or item.meeting.starts_at

    def item_updateddate(self, item: FollowUp):
        return item.updated_at

    def item_categories(self, item: FollowUp) -> list[str]:
        return [item.meeting.community.name]


class TalksAtomFeed(TalksFeed):
    feed_type = Atom1Feed
    subtitle = TalksFeed.description
