from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from submit_once.services import AlreadySubmitted


class SubmitOnceMiddleware:
    """Answers a form sent a second time (a double click, a page sent again) with the page of
    what the first sending created. After MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AlreadySubmitted):
            return None
        messages.info(request, _("This form had already been sent: here is its result."))
        return redirect(exception.result_url or "home")
