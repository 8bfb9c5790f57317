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
