from django import template

from attestations.wording import day_words, hours_words

register = template.Library()

register.filter("hours", hours_words)
register.filter("day_words", day_words)
