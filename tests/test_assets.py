"""Compressed responses and long-cached, fingerprinted static files (screening/assets.py).

Requirement (issue 12, "Pages"): every HTML, CSS and JS response compressed when the client accepts it;
static files under fingerprinted names, cached for a year, immutable.
"""
import base64
import gzip
import hashlib
import re
from pathlib import Path

import pytest

import screening

STATIC = Path(screening.__file__).parent / "static"
GZIP = {"Accept-Encoding": "gzip"}


def linked(client, path="/") -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', client.get(path).get_data(as_text=True))


def test_page_is_gzip_compressed_when_the_client_accepts_it(client):
    response = client.get("/", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.data)


def test_page_is_sent_plain_to_a_client_that_does_not_accept_compression(client):
    response = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers and b"<html" in response.data


def test_compressed_responses_vary_on_accept_encoding(client):
    assert "Accept-Encoding" in client.get("/", headers=GZIP).headers["Vary"]


def test_step_page_is_compressed(patient):
    patient.start()
    response = patient.client.get("/step/about-you", headers=GZIP, follow_redirects=True)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("suffix", [".css", ".js"])
def test_every_stylesheet_and_script_the_page_links_is_compressed(client, suffix):
    paths = [p for p in linked(client) if p.endswith(suffix)]
    assert paths
    for path in paths:
        response = client.get(path, headers=GZIP)
        assert response.headers["Content-Encoding"] == "gzip", path
        name = re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", path.removeprefix("/static/"))
        assert gzip.decompress(response.data) == (STATIC / name).read_bytes()


def test_static_links_carry_the_file_fingerprint(client):
    for path in linked(client):
        name, fingerprint, suffix = re.fullmatch(r"/static/(.+)\.([0-9a-f]{12})(\.\w+)", path).groups()
        assert fingerprint == hashlib.sha256((STATIC / f"{name}{suffix}").read_bytes()).hexdigest()[:12]


def test_fingerprinted_static_file_is_cached_for_a_year_and_immutable(client):
    response = client.get(linked(client)[0])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_static_file_by_its_plain_name_is_revalidated(client):
    response = client.get("/static/screening.css")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"


def test_an_outdated_fingerprint_gets_todays_file_revalidated(client):
    response = client.get("/static/screening.000000000000.css")
    assert response.data == (STATIC / "screening.css").read_bytes()
    assert response.headers["Cache-Control"] == "no-cache"


def test_unknown_static_file_is_404(client):
    assert client.get("/static/nothing.000000000000.css").status_code == 404


def test_pages_stay_out_of_caches(client):
    assert client.get("/", headers=GZIP).headers["Cache-Control"] == "no-store"


def test_a_first_page_carries_the_stylesheet_inline_allowed_by_its_hash(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert style == (STATIC / "screening.css").read_text()
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]


def test_a_first_page_links_the_stylesheet_after_its_content_for_the_next_page(client):
    html = client.get("/").get_data(as_text=True)
    link = re.search(r'<link rel="stylesheet" href="(/static/screening\.[0-9a-f]{12}\.css)">', html)
    assert link and html.index(link.group(0)) > html.index("</footer>")


def test_a_browser_sent_the_stylesheet_is_linked_to_it_in_the_head(client):
    client.get("/")
    html = client.get("/").get_data(as_text=True)
    assert "<style>" not in html
    assert re.search(r'<head>.*<link rel="stylesheet" href="/static/screening\.[0-9a-f]{12}\.css">.*</head>', html,
                     re.S)
