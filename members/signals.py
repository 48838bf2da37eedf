"""What the members app announces to the apps above it (which it never imports)."""

from django.dispatch import Signal

# Sent by ``services.expertise_area_merge`` in its transaction, with ``member_ids``: the members
# who chose a duplicate, whose areas changed. The merge moves the links in bulk, which sends no
# ``m2m_changed``; what shows members by their areas (the search index) listens to this instead.
expertise_areas_merged = Signal()
