"""Error pages: styled and translated for people, JSON under /api/v1/."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.web.accounts.fixtures import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]


def html(response: Any) -> str:
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "title"), [("sv", "Sidan finns inte"), ("en", "Page not found")]
)
def test_404_is_the_sites_page_in_the_visitors_language(client, language, title):
    client.cookies["django_language"] = language
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    page = html(response)
    assert f'<h1 id="error-title">{title}</h1>' in page
    assert 'href="/static/lofte/errors.css"' in page and f'<html lang="{language}">' in page
    assert "Not Found</h1>" not in page  # not Django's bare page


def test_403_says_why_and_what_to_do(client):
    client.force_login(make_user("vera", ["viewer"]))
    page = html(client.get("/skrivbord/drift/"))
    assert "Ingen behörighet" in page and "RCC:s administratör" in page
    client.cookies["django_language"] = "en"
    assert "No access" in html(client.get("/skrivbord/drift/"))


def test_refused_form_gets_the_styled_403(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/logga-in/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "Ingen behörighet" in html(response)


@pytest.mark.urls("tests.web.error_urls")
def test_500_is_a_calm_page_and_json_under_the_api(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = html(response)
    assert "Ett fel uppstod" in page and "a bug" not in page and "Traceback" not in page
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.json() == {"error": "internal error", "status": 500}


def test_api_404_is_json(client):
    for path in ("/api/v1/finns-inte", "/api/v1/catalog/nothing", "/api/v1/cube/x"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"].startswith("no such resource")
