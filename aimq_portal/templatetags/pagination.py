"""The links of a paginated list (``includes/pagination.html``)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def page_number_links(page) -> SafeString:
    """One item per page number, the current one marked, the others linked and named for
    screen readers ("Page 3").

    Written here, as Django admin's ``paginator_number`` is, rather than in a template loop:
    the staff inbox has 180 pages at scale, and the loop (a translation and two localized
    numbers a link) cost as much as the page's fifty requests. Page numbers are written as
    plain integers (the portal groups no thousands); the label, translated once, is the only
    text to escape."""
    label = conditional_escape(gettext("Page %(number)s"))
    items = []
    for number in page.paginator.page_range:
        if number == page.number:
            items.append(
                '<li class="page-item active" aria-current="page">'
                f'<span class="page-link">{number}</span></li>'
            )
        else:
            named = label % {"number": number}
            items.append(
                f'<li class="page-item"><a class="page-link" href="?page={number}" '
                f'aria-label="{named}">{number}</a></li>'
            )
    return mark_safe("\n".join(items))
