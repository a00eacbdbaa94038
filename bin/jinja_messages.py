"""The translatable strings of Jinja2 templates as Python calls that xgettext reads.

bin/makemessages runs it for an app's part of templates/jinja2/: Django's makemessages
reads Django templates only, and would drop these strings from the catalogue.

    python bin/jinja_messages.py templates/jinja2/offers > messages.py
"""

import sys
from pathlib import Path

from jinja2 import Environment


def calls(directory):
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    for path in sorted(Path(directory).rglob("*.html")):
        yield f"# {path.name}"
        for _line, function, message in env.extract_translations(path.read_text("utf-8")):
            strings = message if isinstance(message, tuple) else (message,)
            arguments = ", ".join(repr(s) for s in strings if s is not None)
            if function in ("_", "gettext"):
                yield f"gettext({arguments})"
            elif function == "ngettext":
                yield f"ngettext({arguments}, 2)"
            elif function == "pgettext":
                yield f"pgettext({arguments})"
            else:
                raise SystemExit(f"{path}: unknown translation function {function}")


if __name__ == "__main__":
    directory = sys.argv[1]
    if Path(directory).is_dir():
        print("\n".join(calls(directory)))
