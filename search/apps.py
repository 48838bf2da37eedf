from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """One search box over everything a reader may see.

    The index is one table, ``search.SearchEntry``: one row per thing found (a library
    resource, a meeting, its minutes, a talk, a member…), with its title, its text, its link, its
    community and its *audience* (everyone, signed-in members, members of any community, the
    community's members, staff). A search filters on the audience in SQL, so a result the reader
    may not see is never read.

    The app sits just above ``communities`` (the audience needs memberships). The apps above it
    contribute their objects by registering a *source*, in one module of their own
    (``<app>/search_sources.py``, imported by their ``AppConfig.ready``)::

        from search.registry import Audience, Document, SearchSource, register, watch

        def _document(question) -> Document | None:   # None: not in the index
            return Document(
                title=question.title,
                body=question.details,
                url=reverse("questions:detail", args=[question.pk]),
                audience=Audience.COMMUNITY,
                community_id=question.community_id,
                updated_at=question.updated_at,
            )

        SOURCE = register(SearchSource(
            name="questions.question",             # unique, stored in the index
            label=_("Question"),                   # what a result is, shown beside it
            queryset=lambda: Question.objects.select_related("community"),
            document=_document,
        ))
        watch(Question, SOURCE)                    # saved or removed: its entry follows
        watch(Answer, SOURCE, pks=lambda answer: [answer.question_id])

    ``watch`` re-indexes in the transaction of the change (an edit and its entry commit or roll
    back together; an object that is gone, or whose document is None, leaves the index).
    ``manage.py rebuild_search_index`` rebuilds every source (or ``--source NAME``)."""

    name = "search"
    verbose_name = _("Search")
