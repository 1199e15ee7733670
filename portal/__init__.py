"""The investor one-stop-shop portal of an Economic Zone Management Board."""
from __future__ import annotations

import os

from flask import Flask, g, request
from flask_login import current_user

from config import CONFIGS, ROOT, ProductionConfig, instance_path


def create_app(config_name: str | None = None, **overrides) -> Flask:
    config_name = config_name or os.environ.get("PORTAL_ENV", "development")
    config = CONFIGS[config_name]
    if config is ProductionConfig:
        ProductionConfig.check()

    app = Flask(
        __name__,
        instance_path=str(instance_path()),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config)
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    from portal.services import observability

    observability.init_app(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from portal.web import BoundedInteger

    app.url_map.converters["int"] = BoundedInteger
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_hooks(app)
    return app


def _init_extensions(app: Flask) -> None:
    import portal.models  # noqa: F401  (every table, for Alembic and relationships)
    from portal.accounts.models import User
    from portal.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from portal.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "warning"

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to continue.")

    @login_manager.user_loader
    def load_user(user_id: str):
        # "id:generation": a session from before a logout, password change or
        # deactivation names an old generation and is refused.
        uid, _sep, generation = user_id.partition(":")
        if not (uid.isdigit() and generation.isdigit()):
            return None
        user = db.session.get(User, int(uid))
        if user is None or not user.is_active or user.session_version != int(generation):
            return None
        return user


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.views import bp as accounts_bp
    from portal.admin.views import bp as admin_bp
    from portal.catalogue.views import bp as catalogue_bp
    from portal.dossiers.officer_views import bp as officer_bp
    from portal.dossiers.views import bp as dossiers_bp
    from portal.projects.views import bp as projects_bp
    from portal.public.views import bp as public_bp
    from portal.reports.views import bp as reports_bp
    from portal.reports.views import public_bp as statistics_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(projects_bp)
    app.register_blueprint(dossiers_bp)
    app.register_blueprint(officer_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(statistics_bp)


def _register_cli(app: Flask) -> None:
    from portal.accounts.cli import demo_cli, enterprises_cli, users_cli
    from portal.catalogue.cli import catalogue_cli
    from portal.dossiers.cli import dossiers_cli
    from portal.reports.cli import reports_cli
    from portal.services.cli import backup, restore, scheduler, storage_cli, worker

    app.cli.add_command(storage_cli)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(worker)
    app.cli.add_command(scheduler)
    app.cli.add_command(catalogue_cli)
    app.cli.add_command(dossiers_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(enterprises_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(reports_cli)


def _register_template_helpers(app: Flask) -> None:
    from portal.accounts.models import Role
    from portal.dossiers import display
    from portal.reports.tables import text as report_text
    from portal.dossiers.models import ReturnMethod
    from portal.dossiers.timeliness import Timeliness, remaining_days_text
    from portal.i18n import format_amount, format_field_value, format_filesize, format_moment
    from portal.paging import page_url
    from portal.services.pdf import qr_data_uri
    from flask_babel import format_decimal

    app.add_template_filter(qr_data_uri, "qr_data_uri")
    app.add_template_filter(format_amount, "amount")
    app.add_template_filter(format_filesize, "filesize")
    app.add_template_filter(format_decimal, "number")
    app.add_template_filter(format_moment, "moment")
    app.add_template_global(page_url, "page_url")
    app.add_template_global(format_field_value, "field_value")
    app.add_template_global(Role, "Role")
    from portal.accounts.mfa import has_old_recovery_codes

    app.add_template_global(has_old_recovery_codes, "old_recovery_codes")
    app.add_template_global(lambda value: ReturnMethod(value).title, "return_method_title")
    app.add_template_global(lambda value: Timeliness(value).title if value else "", "timeliness_title")
    app.add_template_global(remaining_days_text, "remaining")
    from portal.dossiers.operations import allowed_extensions
    app.add_template_global(allowed_extensions, "accepted_types")
    app.add_template_global(display.status, "status")
    app.add_template_global(display.when, "when")
    app.add_template_global(display.next_opening, "next_opening")
    app.add_template_global(report_text, "report_cell")


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _register_hooks(app: Flask) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from portal.accounts.sessions import enforce_session_timeouts
    from portal.catalogue.queries import organisation
    from portal.errors import register_error_handlers
    from portal.i18n import current_language
    from portal.services.unit_of_work import finish_request
    from portal.web import bound_form_size, refuse_bad_fields

    register_error_handlers(app)
    app.after_request(finish_request)
    # First of all the hooks (CSRF protection, registered earlier, reads the form).
    app.before_request_funcs.setdefault(None, []).insert(0, bound_form_size)
    app.before_request(refuse_bad_fields)
    app.before_request(enforce_session_timeouts)

    _register_template_helpers(app)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # What a logged-in user sees (dossiers, exports) stays out of every cache.
        if request.endpoint != "static" and current_user and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    @app.context_processor
    def layout_context():
        if "organisation" not in g:
            try:
                g.organisation = organisation()
            except SQLAlchemyError:  # the error page must render even when the database cannot
                g.organisation = None
        return {
            "org": g.organisation,
            "lang": current_language(),
        }

