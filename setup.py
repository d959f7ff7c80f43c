"""The wheel carries the catalogues: locales/ (at the top of the repository, where translators work)
is compiled with Babel and shipped as bot/locales, which bot.i18n looks for first. Everything else
about the package is in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LOCALES = Path(__file__).resolve().parent / "locales"


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        target = Path(self.build_lib) / "bot" / "locales"
        for po in sorted(LOCALES.glob("*/LC_MESSAGES/*.po")):
            folder = target / po.relative_to(LOCALES).parent
            folder.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parts[-3])
            with (folder / po.with_suffix(".mo").name).open("wb") as out:
                write_mo(out, catalog)


setup(cmdclass={"build_py": BuildWithCatalogs})
