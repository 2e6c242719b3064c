"""Pre-treatment screening for ketamine infusion therapy."""
from __future__ import annotations

import os
import sys

import click
from flask import Flask

from screening import assets, commands, errors, filters, headers, request_log, settings
from screening.language import choose as language
from screening.records import database, migrate
from screening.extensions import SignedCookieSessions, init_csrf
from screening.rules.registry import RulesInvalid, RulesRegistry
from screening.settings import TEMPLATES_DIR, ConfigError


def create_app(test_config: dict | None = None, instance_path: str | None = None, *,
               upgrade: bool | None = None) -> Flask:
    """The app, checked for serving: settings, secret key, rules file and database revision.

    `upgrade` brings the database to the code's revision first, once, under a lock. By default only
    `flask run` does it; under gunicorn the master does it before any worker exists (gunicorn.conf.py),
    and a worker, or any other server, refuses to serve a database behind the code, saying what to run.
    Other commands check nothing at start: `rules check` must work with no secret key, no database and a
    broken rules.yaml, since fixing that file is what it is for; commands that need records check then.
    """
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path,
                template_folder=str(TEMPLATES_DIR))
    settings.configure(app, test_config)
    serving = _is_serving()
    if serving:
        settings.ensure_secret_key(app)
    app.session_interface = SignedCookieSessions()
    init_csrf(app)
    database.init_app(app)
    register_rules(app, strict=serving)
    if upgrade if upgrade is not None else _is_run_command():
        migrate.upgrade(app.config["DATABASE_URL"])
    elif serving:
        migrate.require_head(database.engine_of(app))
    settings.trust_proxies(app)
    register_blueprints(app)
    headers.init_app(app)
    assets.init_app(app)
    request_log.init_app()
    filters.init_app(app)
    language.init_app(app)
    register_page_caches(app)
    errors.init_app(app)
    commands.init_app(app)
    if _is_run_command() and _serves_in_this_process():
        # The embedded deliverer, so the quick start sends alerts with nothing more to run (docs/alerts.md).
        from screening.alerts.deliverer import start_background

        app.extensions["screening.alerts"] = start_background(app)
    return app


def _is_serving() -> bool:
    """True unless a CLI command other than `run` is loading the app."""
    context = click.get_current_context(silent=True)
    return context is None or context.info_name == "run"


def _is_run_command() -> bool:
    context = click.get_current_context(silent=True)
    return context is not None and context.info_name == "run"


def _serves_in_this_process() -> bool:
    """False in the reloader's watcher (`flask run --debug` or `--reload`): that process only restarts the
    serving one, which werkzeug marks with WERKZEUG_RUN_MAIN. A deliverer there would be a second one, and
    one left running across every reload."""
    context = click.get_current_context(silent=True)
    reload = context.params.get("reload") if context is not None else None
    if reload is None:
        from flask.helpers import get_debug_flag

        reload = get_debug_flag()
    return not reload or os.environ.get("WERKZEUG_RUN_MAIN") == "true"


def register_rules(app: Flask, strict: bool) -> None:
    registry = RulesRegistry(app.config["RULES_PATH"], float(app.config["RULES_RECHECK_SECONDS"]))
    app.extensions["screening.rules"] = registry
    try:
        registry.load()
    except RulesInvalid as invalid:
        if strict:
            for problem in invalid.problems:
                print(problem, file=sys.stderr)
            raise ConfigError(f"screening: the rules file {registry.path} does not pass the check "
                              f"({len(invalid.problems)} problem(s) above); fix them and start again") from None
        registry.rejected = invalid.problems


def register_page_caches(app: Flask) -> None:
    """After the templates' globals and filters: each reads them once (screening/wizard/page_frames.py)."""
    from screening.wizard import page_frames, question_markup

    question_markup.init_app(app)
    page_frames.init_app(app)


def register_blueprints(app: Flask) -> None:
    from screening.staff import bp as staff
    from screening.wizard import bp as wizard
    from screening.wizard.invite_views import bp as invite
    from screening.wizard.language_views import bp as language_link

    app.register_blueprint(wizard)
    app.register_blueprint(invite)
    app.register_blueprint(language_link)
    app.register_blueprint(staff)

    @app.context_processor
    def _globals():
        return {"service_name": language.gettext("Ketamine treatment screening")}
