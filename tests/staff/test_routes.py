"""Every route is guarded unless it is on the public list: new routes are covered with no change here.

Requirement (issue 3, sections 6 and 8): outside the patient pages and the sign-in page, a signed-out
visitor is sent to sign-in, and a staff member holding none of the route's roles gets 403. The landing
page and sign-out are open to every role, so only the first half applies to them.
"""
import re
from urllib.parse import urlsplit

from screening.staff.accounts import ROLES

PUBLIC = {"/", "/start", "/step/<slug>", "/check", "/send", "/summary", "/saved", "/resume", "/sent", "/start-again",
          "/static/<path:filename>", "/staff/sign-in", "/invite", "/language/<code>"}
EVERY_ROLE = {"/staff/", "/staff/sign-out"}
PLACEHOLDERS = {"int": "1", "float": "1.5", "uuid": "00000000-0000-0000-0000-000000000000"}


def guarded_requests(app):
    """(rule, method, url) for every method of every non-public route, placeholders filled in."""
    for rule in app.url_map.iter_rules():
        if rule.rule in PUBLIC:
            continue
        url = re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", lambda m: PLACEHOLDERS.get(m.group(1), "x"), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, url


def test_the_walk_covers_the_staff_routes(app):
    assert {"/staff/", "/staff/sign-out", "/staff/audit"} <= {rule.rule for rule, _, _ in guarded_requests(app)}


def test_every_guarded_route_sends_a_signed_out_visitor_to_sign_in(app):
    client = app.test_client()
    failures = []
    for rule, method, url in guarded_requests(app):
        response = client.open(url, method=method)
        if response.status_code != 303 or urlsplit(response.location).path != "/staff/sign-in":
            failures.append(f"{method} {url}: {response.status_code} {response.location}")
    assert failures == []


def test_every_guarded_route_refuses_a_role_it_does_not_allow(app, staff):
    clients = {role: staff((role,)) for role in ROLES}
    failures = []
    for rule, method, url in guarded_requests(app):
        if rule.rule in EVERY_ROLE:
            continue
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if allowed is None:
            failures.append(f"{method} {url}: not guarded by role_required")
            continue
        for role in set(ROLES) - allowed:
            status = clients[role].open(url, method=method).status_code
            if status != 403:
                failures.append(f"{method} {url} as {role}: {status}")
    assert failures == []
