from django.core.management.base import BaseCommand

from digest.services import digests_enqueue


class Command(BaseCommand):
    help = (
        "Writes this week's digest of every member who chose it and has news, as the Monday "
        "beat does; the worker sends them. Safe to run again: a member's week is sent once."
    )

    def handle(self, *args, **options):
        written = digests_enqueue()
        self.stdout.write(
            self.style.SUCCESS(f"Digests written to the outbox: {written} (the worker sends them).")
        )
