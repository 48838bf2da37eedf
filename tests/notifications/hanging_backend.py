"""A mail backend that never returns, for the killed-worker test: it says when it holds a
message, then waits until the process is killed."""

import sys
import threading

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        print("sending", flush=True)
        sys.stdout.flush()
        threading.Event().wait()  # until killed
        return 0
