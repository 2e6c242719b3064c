"""A non-editable install works: the wheel carries the templates, rules.yaml, static files and migrations,
and the installed app, run away from the checkout, finds them inside its own package.

Requirement (issue 6, section 5 "Installs that work where the README says").
"""
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from screening.questionnaire import QUESTIONNAIRE
from tests.conftest import ROOT

STEPS = QUESTIONNAIRE.catalogue.steps

# Run by the installed package's python, from a folder that is not the checkout: -I keeps the checkout
# (and PYTHONPATH) off sys.path, so only the installed copy can be imported.
RUN_INSTALLED_APP = """
import json, sys, sysconfig
import screening
from screening import create_app
from screening.records.migrate import upgrade

url, instance = sys.argv[1:]
upgrade(url)
app = create_app({"TESTING": True, "SECRET_KEY": "install-test", "WTF_CSRF_ENABLED": False,
                  "DATABASE_URL": url}, instance_path=instance)
client = app.test_client()
pages = {"/": client.get("/"), "/start": client.post("/start", follow_redirects=True),
         "/static/screening.css": client.get("/static/screening.css"),
         "/ in Spanish": client.get("/", headers={"Accept-Language": "es"})}
print(json.dumps({
    "site_packages": sysconfig.get_path("purelib"),
    "package": screening.__file__,
    "rules_path": app.config["RULES_PATH"],
    "templates": app.jinja_loader.searchpath,
    "compiled": sorted(p.relative_to(sysconfig.get_path("purelib")).as_posix()
                       for p in __import__("pathlib").Path(screening.__file__).parent.glob("translations/*/*/*.mo")),
    "pages": {path: [page.status_code, page.get_data(as_text=True)] for path, page in pages.items()},
}))
"""


def files_under(folder: Path, prefix: str) -> set[str]:
    return {f"{prefix}/{path.relative_to(folder).as_posix()}" for path in folder.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith(".")}


def run(command: list, timeout: int, **options) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **options)
    assert result.returncode == 0, f"{command[:3]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # setuptools keeps build/lib between builds, so a file an earlier build left there would hide one this
    # build failed to copy; this build's folders go to a fresh place, and the checkout stays clean.
    build_config = out / "build.cfg"
    build_config.write_text(f"[build]\nbuild_base = {out / 'build'}\n[egg_info]\negg_base = {out}\n")
    env = {**os.environ, "DIST_EXTRA_CONFIG": str(build_config)}
    run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--disable-pip-version-check", "-q",
         "-w", str(out / "dist")], timeout=300, cwd=ROOT, env=env)
    [built] = (out / "dist").glob("screening-*.whl")
    return built


def test_the_wheel_carries_templates_rules_static_files_and_migrations(wheel):
    expected = (files_under(ROOT / "templates", "screening/templates") | files_under(ROOT / "screening", "screening")
                | {"screening/rules.yaml"})
    assert {"screening/templates/base.html", "screening/static/screening.css",
            "screening/records/migrations/script.py.mako"} <= expected
    with zipfile.ZipFile(wheel) as archive:
        assert sorted(expected - set(archive.namelist())) == []
        # Compiled by the build, so an installed app never writes into its own package.
        assert "screening/translations/es/LC_MESSAGES/messages.mo" in archive.namelist()
        assert archive.read("screening/rules.yaml") == (ROOT / "rules.yaml").read_bytes()


def test_the_installed_wheel_serves_pages_from_its_own_package(wheel, tmp_path):
    # A PYTHONPATH naming the checkout would make pip think the package is installed already.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH" and not key.startswith("SCREENING_")}
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], timeout=120, env=env)
    run([str(venv / "bin" / "pip"), "install", "--disable-pip-version-check", "-q", str(wheel)], timeout=600, env=env)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run([str(venv / "bin" / "python"), "-I", "-c", RUN_INSTALLED_APP,
                  f"sqlite:///{tmp_path / 'installed.sqlite3'}", str(tmp_path / "instance")],
                 timeout=120, cwd=elsewhere, env=env)
    seen = json.loads(result.stdout.splitlines()[-1])

    package = Path(seen["site_packages"]) / "screening"
    assert Path(seen["package"]).parent == package
    assert Path(seen["rules_path"]) == package / "rules.yaml"
    assert seen["templates"] == [str(package / "templates")]
    status, text = seen["pages"]["/"]
    assert status == 200 and "Before your ketamine treatment: health questions" in text
    status, text = seen["pages"]["/start"]
    assert status == 200 and "Step 1 of" in text and f"<h1>{STEPS[0].title}</h1>" in text, text[:2000]
    status, text = seen["pages"]["/ in Spanish"]
    assert status == 200 and "Antes de su tratamiento con ketamina: preguntas de salud" in text
    assert seen["compiled"] == ["screening/translations/es/LC_MESSAGES/messages.mo"]
    status, text = seen["pages"]["/static/screening.css"]
    assert status == 200 and text == (ROOT / "screening" / "static" / "screening.css").read_text()
