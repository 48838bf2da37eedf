"""What the members app does when allauth reports something about an account."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from members.services import email_claims_release


@receiver(email_confirmed, dispatch_uid="members.release_unconfirmed_claims")
def release_unconfirmed_claims(sender, email_address, **kwargs) -> None:
    email_claims_release(email_address=email_address)
