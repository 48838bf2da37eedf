import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

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

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True
