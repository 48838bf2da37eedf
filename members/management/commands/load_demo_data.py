from django.core.management.base import BaseCommand
from django.db import transaction

from members.demo import load_demo_members


class Command(BaseCommand):
    help = "Loads demo accounts (all under example.org); safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        summary = load_demo_members()
        from django.apps import apps

        for app_label in ("communities", "meetings", "library", "questions", "health"):
            if apps.is_installed(app_label):
                try:
                    module = __import__(f"{app_label}.demo", fromlist=["load_demo"])
                except ModuleNotFoundError:
                    continue
                summary.update(module.load_demo())
        for key, value in summary.items():
            self.stdout.write(f"{key}: {value}")
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Password for every demo account: demo-aimq-2026")
        )
