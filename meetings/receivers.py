"""How the meetings app reacts to what the apps below it report (connected in
MeetingsConfig.ready())."""

from django.dispatch import receiver

from communities.signals import membership_ended
from meetings.services import rsvp_withdraw_upcoming


@receiver(membership_ended, dispatch_uid="meetings.withdraw_answers_when_membership_ends")
def withdraw_answers_when_membership_ends(sender, *, community, member, **kwargs) -> None:
    """A former member no longer comes to the community's upcoming meetings: their seats and
    dietary needs free up (inside the membership's transaction)."""
    rsvp_withdraw_upcoming(member=member, community=community)
