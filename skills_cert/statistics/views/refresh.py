"""An administrator who has just approved results refreshes the statistics without waiting for
the scheduled rebuild, within the same limit a page keeps to on a large registry."""

from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from skills_cert.columns import utcnow
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.statistics import snapshot as statistics_snapshot
from skills_cert.web.access import roles_required, safe_next
from skills_cert.web.blueprints import stats as bp

MIN_INTERVAL = dt.timedelta(seconds=30)  # two administrators pressing at once rebuild once


class RefreshForm(FlaskForm):
    """The button: a CSRF token and nothing else."""


@bp.route("/refresh", methods=["POST"])
@roles_required(Role.ADMINISTRATOR)
def refresh():
    back = safe_next(request.form.get("next")) or url_for("stats.dashboard")
    if not RefreshForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(back)
    snapshot = statistics_snapshot.current(db.session)
    limit = current_app.config["STATISTICS_INLINE_REBUILD_SECONDS"]
    if snapshot is not None and snapshot.seconds > limit:
        flash(_("Recounting this registry takes about %(seconds)d seconds, too long for a page: run "
                "“flask statistics refresh” on the server (normally every few minutes from cron).",
                seconds=round(snapshot.seconds)), "error")
    elif snapshot is not None and utcnow() - snapshot.built_at < MIN_INTERVAL:
        flash(_("The figures were recounted at %(when)s UTC, a moment ago.",
                when=snapshot.built_at.strftime("%H:%M:%S")), "info")
    else:
        rebuilt = statistics_snapshot.refresh(db.session, dt.date.today())
        db.session.commit()
        flash(_("The figures were recounted at %(when)s UTC.", when=rebuilt.built_at.strftime("%H:%M:%S")),
              "success")
    return redirect(back)
