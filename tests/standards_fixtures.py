"""Helpers for tests of competency standards."""

from __future__ import annotations

import copy
from pathlib import Path

from skills_cert.config import ROOT
from skills_cert.standards.files import dump_yaml, load_yaml

SHIPPED = ROOT / "standards"
LAO_BRICKLAYING = SHIPPED / "la" / "LA-CON-BRL-L1-v1.yaml"
THAI_BRICKLAYER = SHIPPED / "th" / "TH-CON-BRL-L1-v1.yaml"


def load(path: Path = LAO_BRICKLAYING) -> dict:
    document, problems = load_yaml(path, path.name)
    assert not problems, problems
    return copy.deepcopy(document)


def write(folder: Path, document: dict, name: str | None = None) -> Path:
    path = folder / (name or f"{document['code']}-v{document['version']}.yaml")
    path.write_text(dump_yaml(document), encoding="utf-8")
    return path


def import_shipped(app) -> None:
    from skills_cert.extensions import db
    from skills_cert.recognition import agreements, data_files
    from skills_cert.standards import versions as service

    with app.app_context():
        files = data_files.read_data_files(SHIPPED)
        assert not files.problems, files.problems
        service.import_documents(db.session, files.standards)
        agreements.import_agreements(db.session, files.agreements)
        db.session.commit()


def standard_id(app, code: str, version: int = 1) -> int:
    from skills_cert.extensions import db
    from skills_cert.standards.versions import find_standard

    with app.app_context():
        return find_standard(db.session, code, version).id
