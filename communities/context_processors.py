from communities import cards


def lead_inbox(request) -> dict:
    """The navbar's inbox link and badge: none for an anonymous visitor; for a signed-in one,
    one query, or none while nothing it counts changed (communities.cards)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"lead_inbox_shown": False, "lead_pending_request_count": 0}
    badge = cards.lead_inbox_badge(user)
    return {"lead_inbox_shown": badge.shown, "lead_pending_request_count": badge.pending}
