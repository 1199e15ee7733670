"""The Board's home page, the language switch and public tracking of a dossier."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, session
from flask_login import current_user

from forms.common import LanguageForm
from forms.dossiers import TrackingForm
from portal.accounts import operations as account_ops
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


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            account_ops.update_profile(
                current_user, full_name=current_user.full_name, phone=current_user.phone,
                language=form.lang.data,
            )
    return redirect_next()


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
