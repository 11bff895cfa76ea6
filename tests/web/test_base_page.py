"""The shared page frame: the synthetic-data banner and the English base texts."""

import pytest
from django.core.cache import cache

from lofte.svf.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _synthetic_delivery() -> None:
    Delivery.objects.create(
        region="05", file_name="SYNTETISK_svf_05.csv", sha256="0" * 64, status="active"
    )


def test_no_banner_on_real_data(client):
    page = client.get("/konto/logga-in/").content.decode()
    assert "synthetic-banner" not in page


def test_banner_on_synthetic_data_in_both_languages(client):
    _synthetic_delivery()
    page = client.get("/konto/logga-in/").content.decode()
    assert "synthetic-banner" in page and "Syntetiska data" in page
    english = client.get("/konto/logga-in/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Synthetic data" in english and "Skip to content" in english
