"""Editors' login: PBKDF2 password hashes, CSRF tokens in the signed session, rate limits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request

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
    """At most `attempts` failed logins per client address per `window` seconds (per process)."""

    def __init__(self, attempts: int = 5, window: float = 300.0):
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        q = self._failures[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again; 0 when it may try now."""
        now = time.monotonic()
        with self._lock:
            q = self._prune(key, now)
            if len(q) < self.attempts:
                return 0
            return max(1, int(self.window - (now - q[0])) + 1)

    def failed(self, key: str) -> None:
        with self._lock:
            self._prune(key, time.monotonic()).append(time.monotonic())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
