"""The Board's home page, the language link and public tracking of a dossier."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from forms.dossiers import TrackingForm
from portal.catalogue import queries
from portal.dossiers import queries as dossier_queries
from portal.extensions import limiter
from portal.web import config_limit, redirect_next

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template(
        "public/home.html",
        units=queries.units(),
        zones=queries.zones(),
        fields=queries.fields(),
        procedure_count=len(queries.search_procedures()),
    )


LANGUAGE_COOKIE = "lang"


@bp.get("/language/<lang>")
def set_language(lang: str):
    """A plain link: it sets one small cookie naming the language and goes back, so that
    reading the portal needs no session. It changes nothing stored (a link from another
    site could follow it); a user's language for mail is chosen on the profile page."""
    response = redirect_next()
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, path="/", samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False), httponly=True)
    return response


@bp.get("/tracking")
@limiter.limit(config_limit("TRACKING_RATE_LIMIT"))
def tracking():
    """Public tracking by code and lookup key; a wrong code or key gets the same answer."""
    form = TrackingForm(formdata=request.args if request.args else None)
    dossier, searched = None, bool(request.args)
    if searched and form.validate():
        dossier = dossier_queries.tracked_dossier(form.code.data, form.key.data)
    status = 404 if searched and dossier is None and not form.errors else 200
    return render_template("public/tracking.html", form=form, dossier=dossier, searched=searched), status
