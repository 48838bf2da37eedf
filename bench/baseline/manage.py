#!/usr/bin/env python
"""The baseline of `make bench`: a stock Django 5.2 project (what `startproject` gives, plus
one app) reading the portal's tables on the same database."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baseline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
