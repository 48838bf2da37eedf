from django.db import transaction

from members.models import User

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "job_title",
    "organisation",
    "organisation_type",
    "region",
    "phone",
    "expertise",
    "preferred_language",
)


@transaction.atomic
def profile_update(*, user: User, data: dict) -> User:
    """Saves the profile fields a member edits; anything else in ``data`` is ignored.

    Compares with the stored row, not with ``user``: a ModelForm bound to ``user`` has already
    copied its input onto that object, so comparing with it would find nothing to save.
    """
    stored = User.objects.select_for_update().get(pk=user.pk)
    changed = []
    for field in PROFILE_FIELDS:
        if field in data and getattr(stored, field) != data[field]:
            setattr(stored, field, data[field])
            changed.append(field)
    if changed:
        stored.full_clean(exclude=["password"])
        stored.save(update_fields=changed)
        for field in changed:
            setattr(user, field, getattr(stored, field))
    return stored
