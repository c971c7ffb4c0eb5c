"""The dashboard's sign-in: a session cookie and CSRF tokens, both stateless (HMACs with keys
derived from the server secret and the admin token), so any replica accepts them and changing
GUIDEBOT_ADMIN_TOKEN or GUIDEBOT_SECRET signs every session out.

- Session: cookie `guidebot_admin` = "<expiry>.<nonce>.<mac>", HttpOnly, SameSite=Strict,
  Path=/admin, Secure when the request came over https; valid for `SESSION_SECONDS`.
- CSRF: every form carries a hidden `csrf` field that is an HMAC of the session cookie (or, for
  the sign-in form, of a random pre-session cookie `guidebot_admin_csrf`); a POST without the
  matching field, or whose Origin header names another site, is refused with 403. SameSite=Strict
  already keeps other sites' forms from sending the cookie; the token is the second lock.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from .replyids import derive_key

SESSION_COOKIE = "guidebot_admin"
LOGIN_COOKIE = "guidebot_admin_csrf"
SESSION_SECONDS = 8 * 3600
COOKIE_PATH = "/admin"


class AdminAuth:
    def __init__(self, secret: bytes, admin_token: str) -> None:
        token_digest = hashlib.sha256(admin_token.encode("utf-8")).hexdigest()
        self._session_key = derive_key(secret, "admin-session:" + token_digest)
        self._csrf_key = derive_key(secret, "admin-csrf:" + token_digest)
        self._token = admin_token.encode("utf-8")

    def token_matches(self, given: str) -> bool:
        return hmac.compare_digest(given.encode("utf-8"), self._token)

    # ------------------------------------------------------------------------ sessions

    def new_session(self, now: float | None = None) -> str:
        body = f"{int((now or time.time()) + SESSION_SECONDS)}.{os.urandom(12).hex()}"
        return f"{body}.{self._mac(self._session_key, body)}"

    def session(self, request: Request) -> str | None:
        """The request's valid session cookie, or None."""
        value = request.cookies.get(SESSION_COOKIE, "")
        body, _, mac = value.rpartition(".")
        expiry = body.split(".", 1)[0]
        if not body or not expiry.isdigit() or not hmac.compare_digest(mac, self._mac(self._session_key, body)):
            return None
        return value if int(expiry) > time.time() else None

    def set_session(self, response: Response, request: Request) -> None:
        response.set_cookie(SESSION_COOKIE, self.new_session(), max_age=SESSION_SECONDS, path=COOKIE_PATH,
                            httponly=True, samesite="strict", secure=request.url.scheme == "https")
        response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)

    def clear_session(self, response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")

    # ------------------------------------------------------------------------ CSRF

    def csrf_for(self, session: str) -> str:
        return self._mac(self._csrf_key, "session:" + session)

    def login_csrf(self, request: Request) -> tuple[str, str | None]:
        """The sign-in form's token, and a new pre-session nonce to set when the browser has none."""
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        fresh = None
        if len(nonce) != 32:
            nonce = fresh = os.urandom(16).hex()
        return self._mac(self._csrf_key, "login:" + nonce), fresh

    def set_login_nonce(self, response: Response, request: Request, nonce: str) -> None:
        response.set_cookie(LOGIN_COOKIE, nonce, max_age=3600, path=COOKIE_PATH, httponly=True,
                            samesite="strict", secure=request.url.scheme == "https")

    def login_csrf_ok(self, request: Request, given: str) -> bool:
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        return len(nonce) == 32 and same_origin(request) and \
            hmac.compare_digest(given, self._mac(self._csrf_key, "login:" + nonce))

    def csrf_ok(self, request: Request, session: str, given: str) -> bool:
        return same_origin(request) and hmac.compare_digest(given, self.csrf_for(session))

    @staticmethod
    def _mac(key: bytes, text: str) -> str:
        return hmac.digest(key, text.encode("utf-8"), "sha256")[:18].hex()


def same_origin(request: Request) -> bool:
    """No Origin header (older browsers, curl), or one naming this server."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc) == (request.url.scheme, request.url.netloc)
