"""The `harken` command: manage.py under a friendlier name.

`harken import-cases FILE` runs the `import_cases` management command: dashes in the
command name are accepted for every command.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "harken"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
