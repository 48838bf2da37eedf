"""What the communities app tells the apps above it. It never imports them: an app that must
react to something here connects a receiver in its AppConfig.ready()."""

from django.dispatch import Signal

# Sent when a member's seat in a community ends (they left, were removed, or closed their
# account), with ``community``, ``member`` and ``reason`` ("left" or "removed"), by the service
# itself, inside its transaction and under the community's row lock: a receiver's changes
# commit or roll back with the membership, and an exception in a receiver undoes the whole
# change. The meetings app withdraws the member's answers to upcoming meetings of the community.
membership_ended = Signal()
