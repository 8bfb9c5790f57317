"""``manage.py build_name_repairs [DATA_DIR]``: rebuild the repairs table of misspelt names from the launch files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from missions.names.build import KAGGLE_FILES, MAVEN_FILE, table_build
from missions.names.repairs import REPAIRS_PATH


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        f"Rebuild {REPAIRS_PATH.name} from the three launch files in DATA_DIR and the gazetteer; the table's "
        "manual rows are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("data_dir", type=Path, help=f"The folder of {', '.join([*KAGGLE_FILES, MAVEN_FILE])}.")

    def handle(self, *args, data_dir: Path, **options) -> None:
        missing = [name for name in (*KAGGLE_FILES, MAVEN_FILE) if not (data_dir / name).is_file()]
        if missing:
            raise CommandError(f"{data_dir} lacks {', '.join(missing)}")
        counts = table_build(data_dir)
        rows = ", ".join(f"{count} {source}" for source, count in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(f"{REPAIRS_PATH}: {rows} rows"))
