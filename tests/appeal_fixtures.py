"""An approved "not yet competent" decision (a statement of attainment for the other units), and
appeals against it, built through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assessment_fixtures import TODAY, build, critical_item
from certificate_fixtures import approve

INDEX = 1  # Bounmy Phommachanh


@dataclass
class Appealed:
    setup: object
    assessment_id: int
    failed_item: str
    attainment_id: int | None


def refused(app, *, knowledge: float = 80.0) -> Appealed:
    """Candidate 1 (regular pathway) refused on one critical item (with knowledge 80 a statement of attainment is
    issued for the other units; with knowledge below the pass mark nothing is)."""
    setup = build(app)
    item, _unit = critical_item(app, setup.standard_id)
    attainment = approve(app, setup, INDEX, fail=item, knowledge=knowledge)
    return Appealed(setup, setup.assessment_ids[INDEX], item, attainment)


def users_of(db, *refs):
    from skills_cert.accounts.models import User

    return [db.session.get(User, ref.id) for ref in refs]


def lodge(db, case: Appealed, *, grounds: str = "The wall corner was plumb; the assessor misread the level.",
          today=TODAY):
    from skills_cert.appeals import lodging
    from skills_cert.assessment.models import Assessment

    (officer,) = users_of(db, case.setup.officer)
    appeal = lodging.lodge(db.session, db.session.get(Assessment, case.assessment_id), grounds=grounds,
                           actor=officer, today=today)
    db.session.commit()
    return appeal


def corrected(db, case: Appealed, **changes):
    """The assessment's evidence with *changes* ({item code: mark}) applied, for an overturn."""
    from skills_cert.appeals.deciding import Evidence
    from skills_cert.assessment.models import Assessment
    from skills_cert.assessment.recording import evidence_of

    now = evidence_of(db.session.get(Assessment, case.assessment_id))
    return Evidence(items={**now.items, **changes}, knowledge_percent=now.knowledge_percent,
                    practical_points=dict(now.practical_points))


def key_settings(app) -> dict:
    return {"key_dir": Path(app.config["SIGNING_KEY_DIR"]), "allow_key_generation": True}
