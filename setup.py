"""Ships the repository root's templates/ and rules.yaml inside the built package.

They stay at the root so staff find and edit them there (screening.settings reads them there in a
checkout or an editable install); an installed wheel has no root, so the build copies them into the
package's folder. Everything else about the build is in pyproject.toml.
"""
from glob import glob
from os.path import isfile, join

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT_DATA = ["rules.yaml", *sorted(path for path in glob("templates/**", recursive=True) if isfile(path))]


class BuildPyWithRootData(build_py):
    # Listed as the package's own data, rather than copied after the build, so that an editable install
    # in strict mode links them and the installed file list names them.
    def _get_data_files(self):
        return [*super()._get_data_files(), ("screening", ".", join(self.build_lib, "screening"), ROOT_DATA)]


setup(cmdclass={"build_py": BuildPyWithRootData})
