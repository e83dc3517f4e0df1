"""Schemathesis generates requests from the served OpenAPI document and checks every answer
against it: no 5xx, documented status codes and content types, bodies matching their schemas.

Derandomized, so a CI run is reproducible; widen the search by hand with `--hypothesis-seed`."""

import schemathesis
from certificate_fixtures import issued
from hypothesis import HealthCheck, given, settings


def test_api_conforms_to_its_openapi_document(app):
    issued(app)  # a registry with a certificate and a statement of attainment in it
    limits = app.config["API_RATE_LIMIT"], app.config["LOOKUP_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = app.config["LOOKUP_RATE_LIMIT"] = "100000 per minute"
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 4
        for operation in operations:
            @given(case=operation.as_strategy())
            @settings(max_examples=40, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def check(case):
                case.call_and_validate()

            check()
    finally:
        app.config["API_RATE_LIMIT"], app.config["LOOKUP_RATE_LIMIT"] = limits
