"""The weekly digest: once a week (Monday morning, Montréal time), each member who chose the
digest for at least one community receives one e-mail, in their language, grouped by
community, of what is new there: nothing new, no e-mail.

The digest knows no part of the domain itself. It sits right above ``communities`` (it reads
the members' choices), and the apps above it contribute **sections** by registering with
``digest.registry``, as they register their e-mail kinds with ``notifications``:
``meetings/digest.py`` (upcoming meetings), ``library/digest.py`` (new resources).

Adding a section (say, the future ``questions`` app: "new questions, open ones first") is one
file, ``questions/digest.py``, imported by the app's ``AppConfig.ready()``::

    from digest.registry import DigestItem, DigestRequest, digest_section
    from notifications.rendering import absolute_url
    from questions.models import Question

    @digest_section("questions", title=_("New questions"), order=20)
    def new_questions(request: DigestRequest) -> dict[tuple[int, int], list[DigestItem]]:
        questions = Question.objects.filter(
            community_id__in=request.all_communities, created_at__gte=request.earliest
        ).order_by("solved", "-created_at")  # open ones first
        return request.per_member(
            questions,
            item=lambda question: DigestItem(
                title=question.title, url=absolute_url("questions:detail", question.pk)
            ),
        )

A provider answers, for every member and community of the request, the items to list
(``(member_id, community_id) -> [DigestItem]``) from a bounded number of queries for the whole
batch of members (never a query per member). ``request.per_member`` does the usual sharing out:
each member gets the rows of their communities created since their own last digest. An item
with ``is_new=False`` (a meeting already announced) is listed but does not make a digest worth
sending on its own. Providers are called in the recipient's language, so their labels
(``detail``) are translated.

The sweep (``digest.services.digests_enqueue``, the beat task ``digest.tasks.send_weekly_digests``,
or ``manage.py send_weekly_digest``) claims each member's week with a ``DigestSent`` row
(unique per member and week) in the same transaction as the outbox message: run twice, or
by two beats at once, it writes each member's digest once."""
