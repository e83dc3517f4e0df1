"""The data folder (`standards/`): standard files, and the MRS agreement files that name them.

Agreements are read here, above standards, because checking one needs the standards it maps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy.orm as so

from skills_cert.recognition import agreements as mrs
from skills_cert.recognition.agreement_files import AGREEMENT_SCHEMA_ID
from skills_cert.standards.files import Problem, load_yaml, standard_files
from skills_cert.standards.versions import read_standard_files


@dataclass
class DataFiles:
    """The standard and MRS agreement files at a path, checked, with every problem found."""

    standards: list[tuple[str, dict]]
    agreements: list[tuple[str, dict]]
    problems: list[Problem]


def read_data_files(path: Path, base: Path | None = None, session: so.Session | None = None) -> DataFiles:
    """Standards and agreements at *path*. Agreements are checked against the standards read here
    and, given a session, against the standards and agreements already in the database."""
    standards, problems = read_standard_files(path, base)
    agreement_documents = []
    for file in standard_files(path):
        label = str(file.relative_to(base)) if base and file.is_relative_to(base) else str(file)
        document, load_problems = load_yaml(file, label)
        if not load_problems and isinstance(document, dict) and _is_agreement_schema(document.get("schema")):
            agreement_documents.append((label, document))
    problems += mrs.check_documents(session, agreement_documents, standards)
    return DataFiles(standards, agreement_documents, problems)


def _is_agreement_schema(schema: object) -> bool:
    return str(schema).startswith(AGREEMENT_SCHEMA_ID.split("@")[0] + "@")
