"""Every admin page checks who is asking: anonymous visitors sign in, other roles get 403."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask_login import login_user

from dispatcher.accounts.models import User
from dispatcher.admin import AREAS
from dispatcher.admin.auth import PUBLIC_ENDPOINTS, Account, allowed_roles
from dispatcher.admin.display import phone_filter
from tests.support.admin import Store, Visitor

PHONE = re.compile(r"\(\d{3}\) \d{3}-\d{4}|\+1\d{10}")


def admin_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every admin route, with 1 for every id in the path."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "1")
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append((rule.endpoint, method, url))
    return found


def call(visitor: Visitor, method: str, url: str):
    return visitor.get(url) if method == "GET" else visitor.post(url, {})


def test_there_are_admin_routes_to_check(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _, _ in admin_routes(app)}
    assert {area.endpoint for area in AREAS} <= endpoints
    assert len(endpoints) > 30


def test_every_admin_route_sends_anonymous_visitors_to_sign_in(
    app: Flask, visitor: Visitor
) -> None:
    for endpoint, method, url in admin_routes(app):
        response = call(visitor, method, url)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert response.headers["Location"].startswith("/admin/login?next="), endpoint


def test_every_admin_route_names_its_roles_and_refuses_the_others(
    app: Flask, admin: Visitor, coordinator: Visitor, viewer: Visitor
) -> None:
    visitors = {"coordinator": coordinator, "viewer": viewer}
    with app.test_request_context():
        routes = [(e, m, u, allowed_roles(e)) for e, m, u in admin_routes(app)]
    for endpoint, method, url, roles in routes:
        assert "admin" in roles, endpoint
        for role, visitor in visitors.items():
            if role in roles:
                continue
            response = call(visitor, method, url)
            assert response.status_code == 403, (endpoint, role, method, response.status_code)
            assert not PHONE.search(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", "(262) 555-0101"), ("coordinator", "(262) 555-0101"), ("viewer", "hidden")],
)
def test_only_coordinators_and_admins_see_phone_numbers(
    app: Flask, accounts: dict[str, int], store: Store, role: str, expected: str
) -> None:
    user = store.get(User, accounts[role])
    with app.test_request_context():
        login_user(Account(user))
        assert phone_filter("+12625550101") == expected
        assert phone_filter("+442079460958") == (
            "hidden" if role == "viewer" else "+44 20 7946 0958"
        )


def test_the_menu_lists_only_what_the_role_may_open(
    app: Flask, admin: Visitor, coordinator: Visitor, viewer: Visitor
) -> None:
    admin_menu = admin.text("/admin/people")
    coordinator_menu = coordinator.text("/admin/people")
    assert ">Accounts</a>" in admin_menu and ">Audit log</a>" in admin_menu
    assert ">Accounts</a>" not in coordinator_menu and ">Rosters</a>" in coordinator_menu
    with app.test_request_context():
        for_viewers = [a for a in AREAS if "viewer" in allowed_roles(a.endpoint)]
    home = viewer.get("/admin/home")
    if for_viewers:
        assert home.status_code == 302
        assert home.headers["Location"] == app.url_map.bind("").build(for_viewers[0].endpoint)
    else:
        assert home.status_code == 200 and "no pages to open yet" in home.get_data(as_text=True)
