import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aimq_portal.validators import validate_single_line


def searchable(text: str) -> str:
    """``text`` as the directory compares it: lower case, without accents, one space between
    words, typographic apostrophes as plain ones. Stored this way and applied to what is
    typed, so that "egout" finds "égouts" and "Levis" finds "Lévis" on SQLite and PostgreSQL
    alike, with a plain ``contains``."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.replace("\u2019", "'").casefold().split())


class Region(models.TextChoices):
    """The 17 administrative regions of Québec, by their official numbers."""

    BAS_SAINT_LAURENT = "01", _("Bas-Saint-Laurent")
    SAGUENAY_LAC_SAINT_JEAN = "02", _("Saguenay–Lac-Saint-Jean")
    CAPITALE_NATIONALE = "03", _("Capitale-Nationale")
    MAURICIE = "04", _("Mauricie")
    ESTRIE = "05", _("Estrie")
    MONTREAL = "06", _("Montréal")
    OUTAOUAIS = "07", _("Outaouais")
    ABITIBI_TEMISCAMINGUE = "08", _("Abitibi-Témiscamingue")
    COTE_NORD = "09", _("Côte-Nord")
    NORD_DU_QUEBEC = "10", _("Nord-du-Québec")
    GASPESIE_ILES = "11", _("Gaspésie–Îles-de-la-Madeleine")
    CHAUDIERE_APPALACHES = "12", _("Chaudière-Appalaches")
    LAVAL = "13", _("Laval")
    LANAUDIERE = "14", _("Lanaudière")
    LAURENTIDES = "15", _("Laurentides")
    MONTEREGIE = "16", _("Montérégie")
    CENTRE_DU_QUEBEC = "17", _("Centre-du-Québec")


class OrganisationType(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    MRC = "mrc", _("Regional county municipality (MRC)")
    FIRM = "firm", _("Firm")
    OTHER = "other", _("Other organisation")


class Language(models.TextChoices):
    FRENCH = "fr-ca", _("French")
    ENGLISH = "en", _("English")


class ExpertiseAreaQuerySet(models.QuerySet):
    def active(self) -> "ExpertiseAreaQuerySet":
        return self.filter(is_active=True)

    def by_label(self) -> "ExpertiseAreaQuerySet":
        """In the reader's language's alphabetical order."""
        return self.order_by(f"label_{_language_suffix()}", "pk")


def _language_suffix() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return "en" if language.startswith("en") else "fr"


class ExpertiseArea(models.Model):
    """An area of expertise of the shared vocabulary staff curate, so that members who do the
    same work describe it with the same words and the directory finds them. A retired area is
    deactivated rather than deleted: the members who chose it keep it, and it comes back if it
    is switched on again."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    label_fr = models.CharField(
        _("label (French)"), max_length=120, unique=True, validators=[validate_single_line]
    )
    label_en = models.CharField(
        _("label (English)"), max_length=120, validators=[validate_single_line]
    )
    is_active = models.BooleanField(
        _("offered to members"),
        default=True,
        help_text=_("Untick to stop offering this area; members who chose it keep it."),
    )

    objects = ExpertiseAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area of expertise")
        verbose_name_plural = _("areas of expertise")
        ordering = ["label_fr"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return getattr(self, f"label_{_language_suffix()}") or self.label_fr


class MemberManager(UserManager):
    """Users are identified by their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


phone_validator = RegexValidator(
    regex=r"^\+?[0-9 ().-]{7,25}( ?(poste|ext\.?|x) ?[0-9]{1,6})?$",
    message=_("Enter a phone number such as 418 555-0123 or 418 555-0123 poste 12."),
)


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of ``value`` among ``choices``, or the value itself when it is none of them
    (as ``get_FOO_display()``)."""
    try:
        return choices(value).label
    except ValueError:
        return value


class User(AbstractUser):
    """A member of the association. The profile lives on the user: one row, no N+1."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    # Django's, with names kept on one line (they go into e-mail headers and calendar files).
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[validate_single_line]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[validate_single_line]
    )

    job_title = models.CharField(
        _("job title"), max_length=150, blank=True, validators=[validate_single_line]
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("Municipality, MRC or firm you work for."),
        validators=[validate_single_line],
    )
    organisation_type = models.CharField(
        _("type of organisation"), max_length=20, choices=OrganisationType.choices, blank=True
    )
    region = models.CharField(
        _("administrative region"), max_length=2, choices=Region.choices, blank=True
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[phone_validator])
    expertise = models.TextField(
        _("areas of expertise"),
        max_length=1000,
        blank=True,
        help_text=_("For example: asset management plans, calls for tenders, storm water."),
    )
    expertise_areas = models.ManyToManyField(
        ExpertiseArea,
        verbose_name=_("areas of expertise (from the list)"),
        related_name="members",
        blank=True,
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=Language.choices,
        default=Language.FRENCH,
        help_text=_("The language of the e-mails the portal sends you."),
    )
    # Loi 25: consent is recorded with its date; showing one's e-mail and phone to fellow
    # members is a separate, revocable choice, off unless the member turns it on.
    privacy_consent_at = models.DateTimeField(_("privacy consent given"), null=True, blank=True)
    contact_visible = models.BooleanField(
        _("contact details visible to fellow members"),
        default=False,
        help_text=_(
            "Members of your communities see your e-mail address and phone number. Their leads "
            "and the association's staff see them in any case, to run the communities."
        ),
    )
    # The directory shows members to every member of the association, beyond the communities
    # the privacy policy speaks of: a new use, so a separate choice, off unless turned on
    # (Loi 25), and contact details there are a further one.
    directory_listed = models.BooleanField(
        _("listed in the members' directory"),
        default=False,
        help_text=_(
            "Every member of the association can then find your name, organisation, region, "
            "communities and areas of expertise in the directory."
        ),
    )
    directory_contact_visible = models.BooleanField(
        _("contact details shown in the members' directory"),
        default=False,
        help_text=_("Your e-mail address and phone number, for every member of the association."),
    )
    # ``searchable`` of the name, organisation and free expertise text, kept by save(): what
    # the directory's text box compares with.
    search_text = models.TextField(editable=False, blank=True, default="")
    # Set when the member closes their account: the row stays, anonymised, so that the history
    # of decisions and attendance keeps pointing somewhere.
    closed_at = models.DateTimeField(_("account closed"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = MemberManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.display_name

    SEARCHED_FIELDS = ("first_name", "last_name", "organisation", "expertise")

    def save(self, *args, **kwargs):
        self.search_text = searchable(
            " ".join(getattr(self, field) for field in self.SEARCHED_FIELDS)
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCHED_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        if self.closed_at is not None:
            return gettext("Former member")
        return self.get_full_name() or self.email

    @property
    def region_label(self) -> str:
        """What ``get_region_display()`` shows, read from the enum: Django's method builds a
        dict of all the choices (translating the 17 names) at each call, and the inbox shows
        fifty requesters."""
        return _choice_label(Region, self.region)

    @property
    def organisation_type_label(self) -> str:
        """What ``get_organisation_type_display()`` shows; see ``region_label``."""
        return _choice_label(OrganisationType, self.organisation_type)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def profile_is_complete(self) -> bool:
        return bool(self.first_name and self.last_name and self.organisation and self.region)
