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
    """Saves the profile fields a member edits; anything else in ``data`` is ignored."""
    changed = []
    for field in PROFILE_FIELDS:
        if field in data and getattr(user, field) != data[field]:
            setattr(user, field, data[field])
            changed.append(field)
    if changed:
        user.full_clean(exclude=["password"])
        user.save(update_fields=changed)
    return user
