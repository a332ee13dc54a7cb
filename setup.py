"""The one build step setup.cfg cannot declare: the message catalogues are compiled into the package.

Everything else (metadata, packages, package data, dependencies) is declared in setup.cfg. Building a
wheel or an sdist-built install compiles each ``translations/<language>/LC_MESSAGES/messages.po`` with
Babel into ``wiki/translations/<language>/LC_MESSAGES/messages.mo`` inside the built package, where
Flask-Babel reads it. An editable install reads the catalogues in place: ``make`` compiles them there.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGUES = Path(__file__).resolve().parent / "translations"


class BuildWithCatalogues(build_py):
    """``build_py``, then every ``.po`` catalogue compiled to a ``.mo`` file beside it in the build."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for source in sorted(CATALOGUES.glob("*/LC_MESSAGES/*.po")):
            target = Path(self.build_lib, "wiki", "translations", source.relative_to(CATALOGUES))
            target = target.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with source.open("rb") as po_file:
                catalogue = read_po(po_file, locale=source.parent.parent.name)
            with target.open("wb") as mo_file:
                write_mo(mo_file, catalogue)  # fuzzy entries left out, as pybabel compile does


setup(cmdclass={"build_py": BuildWithCatalogues})
