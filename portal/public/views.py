"""The Board's home page and the language switch."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, session
from flask_login import current_user

from forms.common import LanguageForm
from portal.accounts import operations as account_ops
from portal.catalogue import queries
from portal.web import redirect_next

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
