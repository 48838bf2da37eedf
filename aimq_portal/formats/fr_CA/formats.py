"""Québec French date formats.

Django 5.2's fr_CA formats write the hour marker as a bare "h", which the date filter reads
as the 12-hour clock ("13 01 40" instead of "13 h 40"); the "h" must be escaped. Hours
have no leading zero, as the Office québécois de la langue française writes them: "9 h 30".
"""

from django.conf.locale.fr_CA.formats import *  # noqa: F403

TIME_FORMAT = "G\xa0\\h\xa0i"  # 9 h 30, 13 h 40
DATETIME_FORMAT = "j F Y, G\xa0\\h\xa0i"  # 31 janvier 2024, 13 h 40
SHORT_DATETIME_FORMAT = "Y-m-d G\xa0\\h\xa0i"
