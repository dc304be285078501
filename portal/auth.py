"""Editors' login: PBKDF2 password hashes, CSRF tokens in the signed session, rate limits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from fastapi import HTTPException, Request
from sqlalchemy import delete, func, select

from models.entities import LoginAttempt

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000


def hash_password(password: str, iterations: int = ITERATIONS, salt: str | None = None) -> str:
    """`pbkdf2_sha256$<iterations>$<salt>$<base64>`: HOWARDSHOME_EDITOR_PASSWORD_HASH."""
    salt = salt or secrets.token_urlsafe(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"{ALGORITHM}${iterations}${salt}${base64.b64encode(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        algorithm, iterations, salt, expected = encoded.split("$", 3)
        rounds = int(iterations)
    except ValueError:
        return False
    if algorithm != ALGORITHM or not 1 <= rounds <= 10_000_000:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), rounds)
    return hmac.compare_digest(base64.b64encode(digest).decode(), expected)


# Secret keys shipped in the defaults and examples: anyone can sign a session cookie with them.
KNOWN_SECRETS = {"change-me-in-production", "change-me-to-a-long-random-string", ""}


def secret_is_weak(settings) -> bool:
    return settings.secret_key in KNOWN_SECRETS or len(settings.secret_key) < 16


def check_credentials(settings, username: str, password: str) -> bool:
    if not settings.editor_password_hash or secret_is_weak(settings):
        return False
    user_ok = hmac.compare_digest(username.encode(), settings.editor_username.encode())
    # Verify the password even for a wrong user name, so timing does not tell which was wrong.
    password_ok = verify_password(password, settings.editor_password_hash)
    return user_ok and password_ok


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise HTTPException(
            status_code=403,
            detail="Het formulier is verlopen of niet van deze site (CSRF-controle). "
            "Laad de pagina opnieuw en probeer het nog eens.",
        )


def current_editor(request: Request) -> str | None:
    return request.session.get("editor")


def require_editor(request: Request) -> str:
    if secret_is_weak(request.app.state.settings):
        # With a known key a session cookie saying "editor" can be forged: no editors at all.
        raise HTTPException(
            status_code=503,
            detail="De redactie is uitgeschakeld: stel HOWARDSHOME_SECRET_KEY in op een lange "
            "willekeurige waarde.",
        )
    editor = current_editor(request)
    if not editor:
        raise HTTPException(status_code=303, headers={"Location": "/redactie/inloggen"})
    return editor


class LoginLimiter:
    """At most `attempts` failed logins per client address per `window` seconds, counted in the
    database so every portal worker (docker-compose runs 4) shares one limit.

    Each attempt is recorded before the password is checked and committed, then the client's
    attempts in the window are counted: of any attempts racing each other, the last to count
    sees them all, so no more than `attempts` passwords are ever checked per window. A refused
    attempt removes its row (waiting does not extend the wait); a failed one keeps it; a
    successful login removes the client's rows.
    """

    def __init__(self, sessions, attempts: int = 5, window: float = 300.0):
        self.sessions = sessions
        self.attempts = attempts
        self.window = window

    def attempt(self, key: str) -> int:
        """Record an attempt by `key`: 0 when it may check a password, else seconds to wait."""
        key = key[:100]
        now = datetime.now(UTC)
        since = now - timedelta(seconds=self.window)
        with self.sessions() as session, session.begin():
            # Rows of finished windows, everyone's: the table holds one window at most.
            session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
            row = LoginAttempt(client=key, at=now)
            session.add(row)
            session.flush()
            row_id = row.id
        with self.sessions() as session, session.begin():
            count, oldest = session.execute(
                select(func.count(), func.min(LoginAttempt.at)).where(
                    LoginAttempt.client == key, LoginAttempt.at >= since
                )
            ).one()
            if count <= self.attempts:
                return 0
            session.execute(delete(LoginAttempt).where(LoginAttempt.id == row_id))
        return max(1, int(self.window - (now - oldest).total_seconds()) + 1)

    def succeeded(self, key: str) -> None:
        with self.sessions() as session, session.begin():
            session.execute(delete(LoginAttempt).where(LoginAttempt.client == key[:100]))
