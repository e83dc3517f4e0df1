"""The audit trail worded for people, in their language: every action the assessment's trail can
hold has a name, and the changes read as sentences."""

import ast
from pathlib import Path

import pytest
from helpers import translated

from skills_cert.assessment.trail import ACTIONS, details

ROOT = Path(__file__).resolve().parents[2] / "skills_cert"


def _assessment_actions() -> set[str]:
    """Every action written with object_type="assessment", read from the code itself."""
    found = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                words = {k.arg: k.value for k in node.keywords}
                kind = words.get("object_type")
                if isinstance(kind, ast.Constant) and kind.value == "assessment":
                    action = words.get("action")
                    if isinstance(action, ast.Constant):
                        found.add(action.value)
                    elif isinstance(action, ast.Subscript):  # the appeal's ruling, from a table
                        found |= {"appeal.upheld", "appeal.overturned", "appeal.reassessment_ordered"}
    return found


def test_every_action_in_an_assessments_trail_has_a_name():
    actions = _assessment_actions()
    assert len(actions) > 15 and actions <= set(ACTIONS), actions - set(ACTIONS)


@pytest.mark.parametrize("locale, expected", [
    ("en", ["Item T1.1: not recorded → not yet satisfactory", "Item T1.2: note changed",
            "Knowledge score: — → 72.5%", "Status: Returned for correction → Being recorded"]),
    ("lo", None),
])
def test_changes_read_as_sentences(app, locale, expected):
    from flask_babel import force_locale

    changes = {"T1.1": [None, False], "T1.2": ["note"], "knowledge": [None, 72.5], "status": ["returned", "draft"]}
    with app.test_request_context(), force_locale(locale):
        lines = details("assessment.record", changes)
        moderation = details("assessment.submit", {"outcome": "competent", "achieved_units": ["01", "02"],
                                                   "moderation": {"seed": "ab", "sampled": False, "flags": []}})
    if expected:
        assert lines == expected
        assert moderation == ["Decision: Competent", "Units achieved: 01, 02", "Not selected for moderation."]
    else:  # Lao words, the codes and figures kept
        assert len(lines) == 4 and lines[0].startswith(translated(app, "lo", "Item %(code)s: %(old)s → %(new)s").split("%")[0])
        assert not any("not recorded" in line or "Knowledge" in line for line in lines + moderation)
        assert "72.5%" in lines[2] and "01, 02" in moderation[1]
