"""Signing in and out: passwords, rate limits, idle timeout, CSRF, headers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from dispatcher.accounts import passwords, service, throttle
from dispatcher.accounts.models import LoginThrottle, User
from dispatcher.clock import ManualClock
from dispatcher.db import Database
from tests.support.admin import EMAILS, PASSWORD, Store, Visitor


def test_signing_in_lands_on_a_page_of_the_role(visitor: Visitor, accounts: dict[str, int]) -> None:
    response = visitor.sign_in(EMAILS["coordinator"])
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/home"
    assert visitor.get("/admin/home").status_code in (200, 302)


def test_a_wrong_password_is_refused_and_counted(
    visitor: Visitor, accounts: dict[str, int], store: Store
) -> None:
    response = visitor.sign_in(EMAILS["admin"], "not the password at all")
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)
    counted = {(t.key, t.failures) for t in store.all(select(LoginThrottle))}
    assert counted == {(f"account:{EMAILS['admin']}", 1), ("address:127.0.0.1", 1)}
    assert visitor.get("/admin/home").status_code == 302  # still anonymous


def test_an_unknown_account_answers_like_a_wrong_password(
    visitor: Visitor, accounts: dict[str, int]
) -> None:
    response = visitor.sign_in("nobody@coalition.test", PASSWORD)
    assert response.status_code == 401


def test_too_many_failures_make_each_further_attempt_wait_twice_as_long(
    app: Flask, accounts: dict[str, int], clock: ManualClock, store: Store
) -> None:
    limit = app.extensions["dispatcher"].settings.login_attempts

    def attempt(password: str = "wrong password!!") -> int:
        return Visitor(app.test_client()).sign_in(EMAILS["admin"], password).status_code

    assert [attempt() for _ in range(limit)] == [401] * limit
    # Even the right password is refused for a second, from any address.
    locked = Visitor(app.test_client()).sign_in(EMAILS["admin"])
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)
    clock.advance(timedelta(seconds=1))
    assert attempt() == 401  # one more guess, then two seconds of waiting
    clock.advance(timedelta(seconds=1))
    assert attempt(PASSWORD) == 429
    clock.advance(timedelta(seconds=1))
    assert attempt(PASSWORD) == 302  # the owner is in after seconds, not 15 minutes
    counted = {t.key: t.failures for t in store.all(select(LoginThrottle))}
    assert counted[f"account:{EMAILS['admin']}"] == 0  # the success cleared the account's count
    assert counted["address:127.0.0.1"] == limit + 1  # the address's guesses still count


def test_too_many_failures_from_one_address_lock_that_address(
    app: Flask, accounts: dict[str, int], clock: ManualClock
) -> None:
    limit = app.extensions["dispatcher"].settings.login_attempts
    guesser = Visitor(app.test_client())
    for i in range(limit):
        assert guesser.sign_in(f"guess{i}@coalition.test", "wrong password!!").status_code == 401
    assert guesser.sign_in(EMAILS["viewer"]).status_code == 429
    elsewhere = Visitor(app.test_client())
    response = elsewhere.client.get("/admin/login", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    token = response.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    response = elsewhere.client.post(
        "/admin/login",
        data={"csrf_token": token.split('"')[0], "email": EMAILS["viewer"], "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 302


def test_passwords_are_stored_as_argon2id_hashes(accounts: dict[str, int], store: Store) -> None:
    for user in store.all(select(User)):
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_a_hash_with_old_parameters_is_upgraded_at_sign_in(
    accounts: dict[str, int], store: Store, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_hash = store.get(User, accounts["admin"]).password_hash
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(passwords, "HASHER", stronger)
    with store.scope() as session:
        user = service.authenticate(session, EMAILS["admin"], PASSWORD, clock.now())
    assert user is not None
    assert user.password_hash != old_hash
    assert "t=2" in user.password_hash and not stronger.check_needs_rehash(user.password_hash)
    assert user.last_login_at == clock.now()


def signed_in(visitor: Visitor) -> bool:
    """True unless opening a page sends the visitor to sign in (the visit is activity)."""
    return not visitor.get("/admin/home").headers.get("Location", "").startswith("/admin/login")


def test_an_idle_session_is_signed_out(
    app: Flask, coordinator: Visitor, clock: ManualClock
) -> None:
    idle = app.extensions["dispatcher"].settings.session_idle
    clock.advance(idle - timedelta(seconds=5))
    assert signed_in(coordinator)
    clock.advance(idle - timedelta(seconds=5))  # the visit above restarted the count
    assert signed_in(coordinator)
    clock.advance(idle + timedelta(seconds=1))
    assert not signed_in(coordinator)
    clock.advance(timedelta(seconds=1))
    assert not signed_in(coordinator)  # signed out for good, not just for one request


def test_a_deactivated_account_loses_its_session(
    coordinator: Visitor, accounts: dict[str, int], store: Store
) -> None:
    with store.scope() as session:
        service.deactivate(session, service.get_user(session, accounts["coordinator"]))
    assert coordinator.get("/admin/home").headers["Location"].startswith("/admin/login")
    assert coordinator.sign_in(EMAILS["coordinator"]).status_code == 401


def test_signing_out_needs_the_form_and_ends_the_session(coordinator: Visitor) -> None:
    assert coordinator.client.post("/admin/logout").status_code == 400  # no CSRF token
    assert coordinator.post("/admin/logout").status_code == 302
    assert coordinator.get("/admin/home").headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_form_without_a_valid_csrf_token_is_refused(
    visitor: Visitor, accounts: dict[str, int], token: str | None
) -> None:
    data = {"email": EMAILS["admin"], "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    visitor.get("/admin/login")
    response = visitor.client.post("/admin/login", data=data)
    assert response.status_code == 400
    assert "Nothing was changed" in response.get_data(as_text=True)
    assert visitor.get("/admin/home").status_code == 302


def test_only_admin_paths_are_followed_after_sign_in(
    visitor: Visitor, accounts: dict[str, int]
) -> None:
    visitor.get("/admin/login")
    response = visitor.post(
        "/admin/login?next=https://evil.example/", {"email": EMAILS["admin"], "password": PASSWORD}
    )
    assert response.headers["Location"] == "/admin/home"


def test_admin_responses_carry_security_headers(visitor: Visitor) -> None:
    response = visitor.get("/admin/login")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_session_cookie_is_http_only_secure_and_same_site(
    visitor: Visitor, accounts: dict[str, int]
) -> None:
    response = visitor.sign_in(EMAILS["admin"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_failed_attempts_older_than_the_window_are_forgotten(
    session: Session, clock: ManualClock
) -> None:
    assert throttle.claim(session, "a@b.test", "10.0.0.1", clock.now(), 5)
    clock.advance(timedelta(minutes=16))
    assert throttle.claim(session, "c@d.test", "10.0.0.2", clock.now(), 5)
    assert session.scalar(select(func.count()).select_from(LoginThrottle)) == 2


@pytest.mark.parametrize(
    ("failures", "limit", "wait"),
    [(0, 5, None), (4, 5, None), (5, 5, 1), (6, 5, 2), (9, 5, 16), (15, 5, 900), (99, 5, 900)],
)
def test_the_wait_doubles_beyond_the_limit_up_to_15_minutes(
    failures: int, limit: int, wait: int | None
) -> None:
    expected = None if wait is None else timedelta(seconds=wait)
    assert throttle.wait_after(failures, limit) == expected


def test_an_old_cookie_is_refused_after_sign_out(
    app: Flask, coordinator: Visitor, accounts: dict[str, int]
) -> None:
    stolen = cookie_of(coordinator)
    assert coordinator.post("/admin/logout").status_code == 302
    assert not signed_in(with_cookie(app, stolen))


def test_an_old_cookie_is_refused_after_a_password_change(
    app: Flask, coordinator: Visitor, accounts: dict[str, int], store: Store
) -> None:
    stolen = cookie_of(coordinator)
    assert signed_in(with_cookie(app, stolen))  # a copy works while the session lives
    with store.scope() as session:
        user = service.get_user(session, accounts["coordinator"])
        service.change_password(session, user, "another long passphrase")
    assert not signed_in(with_cookie(app, stolen))
    assert not signed_in(coordinator)


def test_an_old_cookie_is_refused_after_deactivation_and_reactivation(
    app: Flask, coordinator: Visitor, accounts: dict[str, int], store: Store
) -> None:
    stolen = cookie_of(coordinator)
    with store.scope() as session:
        user = service.get_user(session, accounts["coordinator"])
        service.deactivate(session, user)
        service.reactivate(session, user)
    assert not signed_in(with_cookie(app, stolen))
    assert coordinator.sign_in(EMAILS["coordinator"]).status_code == 302
    assert signed_in(coordinator)


def cookie_of(visitor: Visitor) -> str:
    """The visitor's session cookie (as someone who copied it would hold it)."""
    cookie = visitor.client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def with_cookie(app: Flask, value: str) -> Visitor:
    """A fresh client presenting a copied session cookie."""
    client = app.test_client()
    client.set_cookie("session", value)
    return Visitor(client)


def test_parallel_guesses_are_counted_atomically(
    app: Flask, accounts: dict[str, int], database: Database
) -> None:
    limit = app.extensions["dispatcher"].settings.login_attempts
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    start = threading.Barrier(30)

    def guess(i: int) -> int:
        with requests.Session() as web_client:
            web_client.trust_env = False
            page = web_client.get(f"{base}/admin/login", timeout=30)
            token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
            # The cookie is Secure (the public URL is https): present it over plain HTTP.
            cookie = {"Cookie": f"session={page.cookies['session']}"}
            start.wait(timeout=30)
            form = {"csrf_token": token, "email": EMAILS["admin"], "password": f"guess {i}!!"}
            answer = web_client.post(
                f"{base}/admin/login", data=form, headers=cookie, timeout=60, allow_redirects=False
            )
            return answer.status_code

    try:
        with ThreadPoolExecutor(max_workers=30) as pool:
            answers = list(pool.map(guess, range(30)))
    finally:
        server.shutdown()
        server.server_close()
    assert answers.count(401) == limit  # evaluated
    assert answers.count(429) == 30 - limit  # refused unseen
