"""Ships the repository root's templates/ and rules.yaml inside the built package, and compiles the gettext catalogs.

They stay at the root so staff find and edit them there (screening.settings reads them there in a
checkout or an editable install); an installed wheel has no root, so the build copies them into the
package's folder. Each screening/translations/<language>/LC_MESSAGES/messages.po is compiled to messages.mo in
the build (a checkout compiles its own at start-up: screening.language.catalogs). Everything else about the build
is in pyproject.toml.
"""
from glob import glob
from os.path import isfile, join
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT_DATA = ["rules.yaml", *sorted(path for path in glob("templates/**", recursive=True) if isfile(path))]


class BuildPyWithRootData(build_py):
    # Listed as the package's own data, rather than copied after the build, so that an editable install
    # in strict mode links them and the installed file list names them.
    def _get_data_files(self):
        return [*super()._get_data_files(), ("screening", ".", join(self.build_lib, "screening"), ROOT_DATA)]

    def run(self):
        super().run()
        if not self.editable_mode:
            for po in glob("screening/translations/*/LC_MESSAGES/*.po"):
                target = Path(self.build_lib) / po.replace(".po", ".mo")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(_compiled(po))


def _compiled(po: str) -> bytes:
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as source:
        catalog = read_po(source)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


setup(cmdclass={"build_py": BuildPyWithRootData})
