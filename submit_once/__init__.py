"""Creating forms sent once, whatever the double clicks.

A form that creates something mixes in ``SubmitOnceMixin`` (a hidden one-time token), and its
view wraps the creating service call::

    from submit_once.forms import SubmitOnceMixin
    from submit_once.services import submit_once

    class MeetingScheduleForm(SubmitOnceMixin, MeetingForm): ...

    if request.method == "POST" and form.is_valid():
        with submit_once(form) as submission:
            meeting = services.meeting_schedule(...)
            submission.result_url = reverse("meetings:detail", args=[meeting.pk])

A second POST carrying the same token raises ``AlreadySubmitted`` out of the ``with``;
``SubmitOnceMiddleware`` answers it with a message and a redirect to what the first POST
created. ``static/js/submit-once.js`` disables the buttons of such a form after the first
click."""
