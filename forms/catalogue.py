"""The catalogue search (a GET form: it changes nothing, so it carries no CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length

from forms.common import clean_text


class ProcedureSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Search procedures"), filters=[clean_text], validators=[Length(max=200)],
                    description=_l("Words from the name or code; accents are optional."))
    field = SelectField(_l("Field"), default="")
    unit = SelectField(_l("Handling unit"), default="")
    group = SelectField(_l("Group by"), choices=[("field", _l("Field")), ("unit", _l("Handling unit"))],
                        default="field")

    def __init__(self, fields, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.choices = [("", _l("All fields"))] + [(f.code, f.name) for f in fields]
        self.unit.choices = [("", _l("All units"))] + [(u.code, u.name) for u in units]
