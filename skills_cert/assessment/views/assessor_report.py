"""The assessor report for administrators (`admin.assessor_report`): aggregates only."""

from flask import render_template

from skills_cert.assessment.assessor_report import assessor_report as build_report
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.blueprints import admin as bp


@bp.route("/assessors/report")
@roles_required(Role.ADMINISTRATOR)
def assessor_report():
    return render_template("admin/assessor_report.html", rows=build_report(db.session))
