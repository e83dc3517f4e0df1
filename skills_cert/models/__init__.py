"""The data model. Import models from here so Alembic sees every table."""

from skills_cert.models.assessment import (
    ASSESSMENT_STATUS_LABELS,
    Accreditation,
    Assessment,
    AssessmentStatus,
    Candidate,
    EvidencePhoto,
    ItemResult,
    Outcome,
    Pathway,
    Sex,
    TestingCentre,
    TestSession,
    session_assessors,
)
from skills_cert.models.audit import AuditEntry
from skills_cert.models.certificate import (
    REVOCATION_REASONS,
    Certificate,
    CertificateCounter,
    CertificateKind,
    CertificateStatus,
    SigningKey,
    VerificationEvent,
)
from skills_cert.models.mrs import (
    AGREEMENT_STATUS_LABELS,
    RELATION_LABELS,
    Agreement,
    AgreementEvent,
    AgreementStatus,
    Relation,
    StandardMapping,
    UnitMapping,
)
from skills_cert.models.standard import (
    STATUS_LABELS,
    Authority,
    ChecklistItem,
    Criterion,
    Element,
    Guideline,
    PracticalTask,
    Standard,
    StandardStatus,
    Unit,
    checklist_item_criteria,
)
from skills_cert.models.statistics import StatsCell, StatsOverlap, StatsOverlapCell, StatsPair, StatsSnapshot
from skills_cert.models.user import ROLE_LABELS, Role, User

__all__ = [
    "REVOCATION_REASONS", "Certificate", "CertificateCounter", "CertificateKind",
    "CertificateStatus", "SigningKey", "VerificationEvent",
    "ASSESSMENT_STATUS_LABELS", "Accreditation", "Assessment", "AssessmentStatus", "AuditEntry",
    "Candidate", "EvidencePhoto", "ItemResult", "Outcome", "Pathway", "Sex", "TestingCentre",
    "TestSession", "session_assessors",
    "ROLE_LABELS", "STATUS_LABELS", "Authority", "ChecklistItem", "Criterion", "Element",
    "Guideline", "PracticalTask", "Role", "Standard", "StandardStatus", "Unit", "User",
    "checklist_item_criteria",
    "AGREEMENT_STATUS_LABELS", "RELATION_LABELS", "Agreement", "AgreementEvent", "AgreementStatus",
    "Relation", "StandardMapping", "UnitMapping",
    "StatsCell", "StatsOverlap", "StatsOverlapCell", "StatsPair", "StatsSnapshot",
]
