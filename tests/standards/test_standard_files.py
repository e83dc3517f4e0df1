"""The standard file format: shipped files are valid; each class of error is reported clearly."""

import pytest
from standards_fixtures import SHIPPED, load, write

from skills_cert.standards.versions import read_standard_files


def test_shipped_standards_are_valid():
    documents, problems = read_standard_files(SHIPPED)
    assert problems == []
    codes = {doc["code"] for _, doc in documents}
    assert {"LA-CON-BRL-L1", "LA-CON-PLS-L1", "TH-CON-BRL-L1", "TH-CON-PLS-L1"} <= codes
    countries = {doc["country"] for _, doc in documents}
    assert {"LA", "TH"} <= countries
    for label, doc in documents:
        assert doc["illustrative"] is True, label
        assert 4 <= len(doc["units"]) <= 6, label
        assert doc["status"] == "endorsed", label


def test_lao_and_thai_bricklaying_differ():
    """The MRS mapping compares them, so they must not be copies of each other."""
    lao = load()
    thai = load(SHIPPED / "th" / "TH-CON-BRL-L1-v1.yaml")
    lao_titles = {u["title"]["en"] for u in lao["units"]}
    thai_titles = {u["title"]["en"] for u in thai["units"]}
    assert lao_titles != thai_titles
    assert "scoring" in thai["guideline"] and "scoring" not in lao["guideline"]


def _mutations():
    def missing_translation(d):
        del d["units"][0]["title"]["th"]

    def blank_translation(d):
        d["units"][1]["elements"][0]["criteria"][0]["text"]["lo"] = "   "

    def duplicate_unit_code(d):
        d["units"][1]["code"] = d["units"][0]["code"]

    def unknown_criterion(d):
        d["guideline"]["practical_tasks"][0]["items"][0]["criteria"] = ["LA-CON-BRL-01/9.9"]

    def unevidenced_criterion(d):
        d["units"][0]["elements"][0]["criteria"].append(
            {"number": "1.9", "critical": False, "text": {"lo": "ທົດສອບ", "th": "ทดสอบ", "en": "Test"}})

    def unknown_rule(d):
        d["guideline"]["decision_rules"].append({"rule": "looks_good"})

    def score_rule_without_scoring(d):
        d["guideline"]["decision_rules"].append({"rule": "practical_score"})

    def bad_date(d):
        d["effective_date"] = "2026-02-30"

    def bad_numbering(d):
        d["units"][0]["elements"][0]["criteria"][0]["number"] = "2.1"

    def unknown_field(d):
        d["units"][0]["colour"] = "red"

    def wrong_status(d):
        d["status"] = "approved"

    def too_many_electives(d):
        d["packaging"]["electives"] = 3

    return [
        (missing_translation, "units[0].title", "missing translation: Thai (th)"),
        (blank_translation, "units[1].elements[0].criteria[0].text.lo", "must not be blank"),
        (duplicate_unit_code, "units", "is used more than once"),
        (unknown_criterion, "guideline.practical_tasks[0].items[0].criteria[0]", "is not a criterion"),
        (unevidenced_criterion, "units[0].elements[0].criteria[", "has no checklist item"),
        (unknown_rule, "guideline.decision_rules[", "must be one of"),
        (score_rule_without_scoring, "guideline.decision_rules", "needs a scoring section"),
        (bad_date, "effective_date", "not a valid date"),
        (bad_numbering, "units[0].elements[0].criteria[0].number", "must be numbered 1.n"),
        (unknown_field, "units[0]", "unknown field"),
        (wrong_status, "status", "must be one of draft, endorsed, superseded"),
        (too_many_electives, "packaging.electives", "elective units"),
    ]


@pytest.mark.parametrize("mutate,path,message", _mutations(), ids=lambda v: getattr(v, "__name__", None))
def test_each_class_of_error_is_reported_with_file_and_path(tmp_path, mutate, path, message):
    document = load()
    mutate(document)
    write(tmp_path, document, "broken.yaml")
    _documents, problems = read_standard_files(tmp_path, base=tmp_path)
    assert problems, "the broken file was accepted"
    assert any(p.file == "broken.yaml" and p.path.startswith(path) and message in p.message
               for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize("content,message", [
    (b"code: [unclosed\n", "not valid YAML"),
    (b"code: A\ncode: B\n", "duplicate key 'code'"),
    ("title: ລາວ".encode("utf-16"), "not UTF-8"),
])
def test_unreadable_files_are_reported(tmp_path, content, message):
    (tmp_path / "bad.yaml").write_bytes(content)
    _documents, problems = read_standard_files(tmp_path)
    assert len(problems) == 1 and message in problems[0].message


def test_the_same_version_in_two_files_is_refused(tmp_path):
    document = load()
    write(tmp_path, document, "a.yaml")
    write(tmp_path, document, "b.yaml")
    _documents, problems = read_standard_files(tmp_path, base=tmp_path)
    assert any("also defined in a.yaml" in p.message for p in problems)


def test_a_unit_code_cannot_belong_to_two_standards(tmp_path):
    first = load()
    second = load()
    second["code"] = "LA-CON-XYZ-L1"
    write(tmp_path, first, "a.yaml")
    write(tmp_path, second, "b.yaml")
    _documents, problems = read_standard_files(tmp_path, base=tmp_path)
    assert any("already belongs to standard LA-CON-BRL-L1" in p.message for p in problems)


def test_drafts_may_be_incomplete_but_endorsed_files_may_not(tmp_path):
    document = load()
    document["units"][0]["elements"][0]["criteria"].append(
        {"number": "1.9", "critical": False, "text": {"lo": "ທົດສອບ", "th": "ทดสอบ", "en": "Test"}})
    document["status"] = "draft"
    write(tmp_path, document, "draft.yaml")
    assert read_standard_files(tmp_path)[1] == []


def test_files_of_other_schemas_are_skipped(tmp_path):
    (tmp_path / "agreement.yaml").write_text("schema: skills_cert/mrs-agreement@1\ntitle: x\n")
    write(tmp_path, load())
    documents, problems = read_standard_files(tmp_path)
    assert problems == [] and len(documents) == 1
