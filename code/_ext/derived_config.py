"""Write a derived Jupyter Book configuration: `_config.yml` with a few settings changed.

Used by the Makefile for the student site (``--student``) and the course bundle
(``--downloads LABEL=PATH ...``), so that nothing in `_config.yml` is duplicated: change it and
every build follows. Extension paths are made absolute because jupyter-book resolves them
against the folder of the config file it is given.

    python code/_ext/derived_config.py [--student] [--downloads LABEL=PATH ...] > out/_config.yml
"""

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def derived(student: bool, downloads: list[str]) -> dict:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    sphinx = config.setdefault("sphinx", {})
    sphinx["local_extensions"] = {
        name: str((ROOT / path).resolve())
        for name, path in (sphinx.get("local_extensions") or {}).items()
    }
    sphinx["recursive_update"] = True
    settings = sphinx.setdefault("config", {})
    if student:
        # a chapter's .ipynb and its copied source hold the solutions: neither is offered
        settings.update(hide_solutions=True, html_copy_source=False, html_show_sourcelink=False)
    if downloads:
        settings["klce_downloads"] = [item.split("=", 1) for item in downloads]
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--student", action="store_true", help="leave every solution out")
    parser.add_argument(
        "--downloads",
        nargs="*",
        default=[],
        metavar="LABEL=PATH",
        help="entries for the download menu, PATH relative to the site root",
    )
    args = parser.parse_args()
    yaml.safe_dump(
        derived(args.student, args.downloads), sys.stdout, sort_keys=False, allow_unicode=True
    )


if __name__ == "__main__":
    main()
