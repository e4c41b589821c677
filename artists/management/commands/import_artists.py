"""`manage.py import_artists FILE.csv [--errors ERRORS.csv]`: see artists/importing.py."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from artists import importing

HELP = (
    "Import or update artist profiles from a CSV file, matched by slug (upsert). "
    "Columns (header row; only slug is required, stage_name for new artists): "
    + "; ".join(f"{name}: {doc}" for name, doc in importing.COLUMNS.items())
    + ". Lists are ;-separated (media: |-separated kind=url). A column present in the header "
    "replaces the value (empty cell clears it); absent columns are left alone. Invalid rows are "
    "reported (line, column, reason) and skipped; all other rows are imported. "
    "Full documentation: the docstring of artists/importing.py."
)


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file (UTF-8) with a header row; - reads stdin.")
        parser.add_argument(
            "--errors", metavar="ERRORS.csv", help="Also write the rejected rows' problems here."
        )
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but keep nothing."
        )
        parser.add_argument(
            "--skip-unknown-genres",
            action="store_true",
            help="Drop genres missing from the taxonomy (a warning per row) instead of "
            "rejecting the row.",
        )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        path = options["file"]
        how = {
            "batch_size": options["batch_size"],
            "dry_run": options["dry_run"],
            "skip_unknown_genres": options["skip_unknown_genres"],
        }
        try:
            if path == "-":
                result = importing.import_artists(sys.stdin, **how)
            else:
                with Path(path).open(encoding="utf-8-sig", newline="") as stream:
                    result = importing.import_artists(stream, **how)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text: {exc}") from exc
        except importing.ImportFormatError as exc:
            raise CommandError(str(exc)) from exc

        for error in result.errors:
            self.stderr.write(str(error))
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if options["errors"]:
            with Path(options["errors"]).open("w", encoding="utf-8", newline="") as out:
                importing.write_error_report(result.errors, out)
        elapsed = time.perf_counter() - started
        verb = "Checked" if options["dry_run"] else "Imported"
        summary = (
            f"{verb} {result.rows} rows in {elapsed:.1f}s: {result.created} created, "
            f"{result.updated} updated, {result.rejected_rows} rejected "
            f"({len(result.errors)} problems)"
        )
        extras = [
            f"{n} {word}{'' if n == 1 else 's'}"
            for n, word in (
                (len(result.duplicates), "duplicate"),
                (len(result.warnings), "warning"),
            )
            if n
        ]
        summary += f", {', '.join(extras)}." if extras else "."
        noisy = result.errors or result.duplicates or result.warnings
        style = self.style.WARNING if noisy else self.style.SUCCESS
        self.stdout.write(style(summary))
        if result.duplicates:
            self.stdout.write("Duplicates:")
            for duplicate in result.duplicates:
                self.stdout.write(f"  {duplicate}")
