"""JSON Schema (draft 2020-12) of a standard file, format `skills_cert/standard@1`.

The schema checks shape and types; `validate.py` adds the checks a schema cannot express
(references between parts of the file, numbering, duplicates across files).
"""

SCHEMA_ID = "skills_cert/standard@1"
LOCALES = ("lo", "th", "en")
RULES = (
    "knowledge_pass",
    "safety_items_satisfactory",
    "critical_criteria_satisfactory",
    "all_criteria_evidenced",
    "practical_score",
)
CODE = {"type": "string", "pattern": r"^[A-Z0-9][A-Z0-9-]{0,39}$"}
ITEM_CODE = {"type": "string", "pattern": r"^[A-Z0-9][A-Z0-9.-]{0,19}$"}
TEXT = {
    "type": "object",
    "properties": {loc: {"type": "string", "minLength": 1, "maxLength": 2000,
                         "pattern": r"\S"} for loc in LOCALES},
    "required": list(LOCALES),
    "additionalProperties": False,
}
TEXTS = {"type": "array", "items": TEXT}
POSITIVE = {"type": "integer", "minimum": 1}
PERCENT = {"type": "number", "minimum": 0, "maximum": 100}
DATE = {"type": "string", "format": "date"}

CRITERION = {
    "type": "object",
    "properties": {
        "number": {"type": "string", "pattern": r"^[1-9][0-9]?\.[1-9][0-9]?$"},
        "critical": {"type": "boolean"},
        "text": TEXT,
    },
    "required": ["number", "critical", "text"],
    "additionalProperties": False,
}
ELEMENT = {
    "type": "object",
    "properties": {
        "number": {"type": "integer", "minimum": 1, "maximum": 99},
        "title": TEXT,
        "criteria": {"type": "array", "items": CRITERION, "minItems": 1},
    },
    "required": ["number", "title", "criteria"],
    "additionalProperties": False,
}
UNIT = {
    "type": "object",
    "properties": {
        "code": CODE,
        "version": POSITIVE,
        "type": {"enum": ["core", "elective"]},
        "nominal_hours": {"type": "integer", "minimum": 0, "maximum": 2000},
        "title": TEXT,
        "application": TEXT,
        "prerequisites": {"type": "array", "items": CODE},
        "elements": {"type": "array", "items": ELEMENT, "minItems": 1},
        "knowledge_evidence": {**TEXTS, "minItems": 1},
        "assessment_conditions": TEXT,
        "tools_and_materials": TEXTS,
    },
    "required": ["code", "version", "type", "nominal_hours", "title", "application", "elements",
                 "knowledge_evidence", "assessment_conditions", "tools_and_materials"],
    "additionalProperties": False,
}
ITEM = {
    "type": "object",
    "properties": {
        "code": ITEM_CODE,
        "text": TEXT,
        "criteria": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "safety_critical": {"type": "boolean"},
    },
    "required": ["code", "text", "criteria", "safety_critical"],
    "additionalProperties": False,
}
TASK = {
    "type": "object",
    "properties": {
        "code": ITEM_CODE,
        "title": TEXT,
        "description": TEXT,
        "time_allowed_minutes": {"type": "integer", "minimum": 1, "maximum": 24 * 60},
        "tools": TEXTS,
        "materials": TEXTS,
        "safety_rules": TEXTS,
        "items": {"type": "array", "items": ITEM, "minItems": 1},
    },
    "required": ["code", "title", "description", "time_allowed_minutes", "tools", "materials",
                 "safety_rules", "items"],
    "additionalProperties": False,
}
# Recognition of prior learning: units that may be credited from accepted portfolio evidence,
# with a shorter practical demonstration (the checklist items still shown).
RPL = {
    "type": "object",
    "properties": {
        "credit": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "unit": CODE,
                    "min_evidence": {"type": "integer", "minimum": 1, "maximum": 20},
                    "all_elements": {"type": "boolean"},
                    "demonstration": {"type": "array", "items": ITEM_CODE},
                },
                "required": ["unit", "min_evidence", "all_elements", "demonstration"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["credit"],
    "additionalProperties": False,
}
GUIDELINE = {
    "type": "object",
    "properties": {
        "version": POSITIVE,
        "assessor_qualifications": {**TEXTS, "minItems": 1},
        "knowledge_test": {
            "type": "object",
            "properties": {
                "questions": {"type": "integer", "minimum": 1, "maximum": 500},
                "duration_minutes": {"type": "integer", "minimum": 1, "maximum": 600},
                "pass_mark": PERCENT,
                "gates_practical": {"type": "boolean"},
            },
            "required": ["questions", "duration_minutes", "pass_mark", "gates_practical"],
            "additionalProperties": False,
        },
        "practical_tasks": {"type": "array", "items": TASK, "minItems": 1},
        "scoring": {
            "type": "object",
            "properties": {
                "criteria": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "properties": {"code": ITEM_CODE, "title": TEXT,
                                       "max_points": {"type": "integer", "minimum": 1, "maximum": 1000}},
                        "required": ["code", "title", "max_points"],
                        "additionalProperties": False,
                    },
                },
                "pass_mark": PERCENT,
            },
            "required": ["criteria", "pass_mark"],
            "additionalProperties": False,
        },
        "decision_rules": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"rule": {"enum": list(RULES)},
                               # only the safety rule: does a safety failure remove every unit, or its own?
                               "scope": {"enum": ["test", "units"]}},
                "required": ["rule"],
                "additionalProperties": False,
                "if": {"properties": {"rule": {"not": {"const": "safety_items_satisfactory"}}}},
                "then": {"not": {"required": ["scope"]}},
            },
        },
        "appeal_days": {"type": "integer", "minimum": 1, "maximum": 365},
        "rpl": RPL,
    },
    "required": ["version", "assessor_qualifications", "knowledge_test", "practical_tasks",
                 "decision_rules"],
    "additionalProperties": False,
}
STANDARD = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "schema": {"const": SCHEMA_ID},
        "illustrative": {"type": "boolean"},
        "note": TEXT,
        "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "authority": {
            "type": "object",
            "properties": {"code": CODE, "name": TEXT},
            "required": ["code", "name"],
            "additionalProperties": False,
        },
        "code": CODE,
        "version": POSITIVE,
        "status": {"enum": ["draft", "endorsed", "superseded"]},
        "effective_date": DATE,
        "sector": {"type": "string", "pattern": "^[a-z][a-z_-]{1,39}$"},
        "title": TEXT,
        "occupation": {
            "type": "object",
            "properties": {"isco": {"type": "string", "pattern": "^[0-9]{4}$"}, "title": TEXT},
            "required": ["isco", "title"],
            "additionalProperties": False,
        },
        "level": {"type": "integer", "minimum": 1, "maximum": 8},
        "nqf_level": {"type": "integer", "minimum": 1, "maximum": 10},
        "aqrf_level": {"type": "integer", "minimum": 1, "maximum": 8},
        "certificate_validity_years": {"type": "integer", "minimum": 1, "maximum": 50},
        "packaging": {
            "type": "object",
            "properties": {"core": {"const": "all"},
                           "electives": {"type": "integer", "minimum": 0, "maximum": 50}},
            "required": ["core", "electives"],
            "additionalProperties": False,
        },
        "units": {"type": "array", "items": UNIT, "minItems": 1},
        "guideline": GUIDELINE,
    },
    "required": ["schema", "illustrative", "note", "country", "authority", "code", "version",
                 "status", "effective_date", "sector", "title", "occupation", "level", "nqf_level",
                 "aqrf_level", "certificate_validity_years", "packaging", "units", "guideline"],
    "additionalProperties": False,
}
