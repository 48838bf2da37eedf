from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from communities.models import Community, JoinRequest, Membership, Role
from members.models import Region, User

PASSWORD = "motdepasse-Solide-42"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"membre{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_CA")
    last_name = factory.Faker("last_name", locale="fr_CA")
    job_title = "Ingénieur municipal"
    organisation = factory.Sequence(lambda n: f"Ville numéro {n}")
    organisation_type = "municipality"
    region = Region.MAURICIE
    preferred_language = "fr-ca"
    # Every member signs up with consent (Loi 25); an account without any is the exception that
    # tests/members/test_consent_gate.py sets up.
    privacy_consent_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community

    slug = factory.Sequence(lambda n: f"communaute-{n}")
    name_fr = factory.Sequence(lambda n: f"Communauté {n}")
    name_en = factory.Sequence(lambda n: f"Community {n}")
    summary_fr = "Échanger sur les pratiques municipales."
    summary_en = "Sharing municipal practices."
    mandate_fr = "La communauté réunit des ingénieurs municipaux."
    mandate_en = "The community brings municipal engineers together."
    capacity = 15


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    member = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class LeadMembershipFactory(MembershipFactory):
    role = Role.LEAD


class JoinRequestFactory(DjangoModelFactory):
    """A pending request created directly; tests of the rules go through the services."""

    class Meta:
        model = JoinRequest

    community = factory.SubFactory(CommunityFactory)
    member = factory.SubFactory(UserFactory)
    motivation = "Je veux partager mes outils et apprendre des autres."


class MeetingFactory(DjangoModelFactory):
    """A hybrid meeting two weeks ahead, created directly; rules are tested through services."""

    class Meta:
        model = "meetings.Meeting"

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Rencontre {n}")
    agenda = "Tour de table"
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=14)).replace(microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    format = "hybrid"
    venue_name = "Hôtel de ville"
    address = "1 rue Principale, Trois-Rivières"
    meeting_url = "https://meet.example.org/aimq"


class RsvpFactory(DjangoModelFactory):
    class Meta:
        model = "meetings.Rsvp"

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(UserFactory)
    response = "in_person"


class SentMessageFactory(DjangoModelFactory):
    """A message the outbox sent (its history), created directly."""

    class Meta:
        model = "notifications.OutboxMessage"

    key = factory.Sequence(lambda n: f"test:message:{n}")
    kind = "legacy"
    to_email = "quelqu-un@example.org"
    subject = "Un message du portail"
    status = "sent"
    sent_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["to_email"] = kwargs["to_email"].lower()  # as the outbox stores addresses
        return kwargs
