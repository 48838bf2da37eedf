"""Québec French date formats.

Django 5.2's fr_CA formats write the hour marker as a bare "h", which the date filter reads
as the 12-hour clock ("13 01 40" instead of "13 h 40"); the "h" must be escaped.
"""

from django.conf.locale.fr_CA.formats import *  # noqa: F403

TIME_FORMAT = "H\xa0\\h\xa0i"  # 13 h 40
DATETIME_FORMAT = "j F Y, H\xa0\\h\xa0i"  # 31 janvier 2024, 13 h 40
SHORT_DATETIME_FORMAT = "Y-m-d H\xa0\\h\xa0i"
