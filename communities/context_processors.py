from communities import cards, selectors


def request_inbox_badge(request) -> selectors.LeadInboxBadge:
    """The visitor's inbox badge, read once per request: the inbox view needs it too (who may
    see the inbox, how many requests it pages through) and then the navbar reads it again. It
    comes from communities.cards, which reads it once per version of what it counts."""
    badge = getattr(request, "_lead_inbox_badge", None)
    if badge is None:
        badge = cards.lead_inbox_badge(request.user)
        request._lead_inbox_badge = badge
    return badge


def lead_inbox(request) -> dict:
    """The navbar's inbox link and badge: none for an anonymous visitor; for a signed-in one,
    one query, or none while nothing it counts changed (communities.cards)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"lead_inbox_shown": False, "lead_pending_request_count": 0}
    badge = request_inbox_badge(request)
    return {"lead_inbox_shown": badge.shown, "lead_pending_request_count": badge.pending}
