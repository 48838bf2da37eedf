from communities import selectors


def lead_inbox(request) -> dict:
    """The navbar's inbox link and badge: one query for a signed-in visitor, none otherwise."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"lead_inbox_shown": False, "lead_pending_request_count": 0}
    badge = selectors.lead_inbox_badge(user=user)
    return {"lead_inbox_shown": badge.shown, "lead_pending_request_count": badge.pending}
