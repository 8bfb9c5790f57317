"""Refusals outside the API views answer in the one error shape too."""

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/maps/"])
def test_a_post_without_a_csrf_token_answers_403_in_the_error_shape(path):
    response = Client(enforce_csrf_checks=True).post(path, {"username": "ops", "password": "pw"})

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "CSRF verification failed: CSRF cookie not set.", "errors": {}}


@pytest.mark.django_db
def test_every_operation_documents_its_refusals_in_the_error_shape(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ("400", "401", "403", "404", "429", "503"):
                content = operation["responses"][code]["content"]
                assert content == {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}, (
                    method,
                    path,
                    code,
                )
    jobs = schema["paths"]["/api/jobs/"]["post"]["responses"]
    assert {"200", "202"} <= set(jobs)
    cleared = schema["paths"]["/api/jobs/clear/"]["delete"]["responses"]["200"]["content"]["application/json"]
    assert cleared == {"schema": {"$ref": "#/components/schemas/JobsCleared"}}
    assert {} in schema["paths"]["/api/launches/"]["get"]["security"]  # public reads need no credentials


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/launches/", "/api/organisations/", "/api/rockets/", "/api/sites/"])
def test_an_empty_ordering_is_the_default_order_as_the_schema_allows(client, path):
    assert client.get(f"{path}?ordering=").status_code == 200
    assert client.get(f"{path}?ordering=-").status_code == 400
