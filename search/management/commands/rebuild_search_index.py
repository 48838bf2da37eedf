"""Rebuilds the search index from the objects of every registered source (or of those named):
after a deployment that adds a source, or to repair the index."""

from django.core.management.base import BaseCommand, CommandError

from search import indexing, registry


class Command(BaseCommand):
    help = "Rebuilds the search index (every source, or those named with --source)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            action="append",
            dest="sources",
            metavar="NAME",
            help="Only this source (repeatable), e.g. library.resource.",
        )

    def handle(self, *args, sources=None, **options):
        known = {search_source.name for search_source in registry.sources()}
        unknown = sorted(set(sources or []) - known)
        if unknown:
            raise CommandError(
                f"Unknown source(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}."
            )
        counts = indexing.rebuild(sources)
        if not sources:
            removed = indexing.forget_removed_sources()
            if removed:
                self.stdout.write(f"{removed} entries of sources no longer registered removed.")
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} entries")
        self.stdout.write(self.style.SUCCESS("Search index rebuilt."))
