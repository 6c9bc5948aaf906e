"""Signed-in HTTP sessions against the benchmark's gunicorn, with the standard library only.

A session signs in through the real sign-in page (GET the form, POST it with its CSRF
token, keep the cookies) and then sends requests as a browser behind the proxy would:
the session and CSRF cookies, the proxy's X-Forwarded-Proto header, and for writes the
CSRF header and an Origin. gunicorn's sync workers close every connection after the
response, so each request opens its own; on loopback that costs well under a millisecond.
"""

import json
import os
import re
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from time import perf_counter
from urllib.parse import urlencode

from tests.bench.server import HOST, PROXY_HEADERS, Server

# The demo accounts' shared password, unless the database was seeded with another.
PASSWORD = os.environ.get("BENCH_PASSWORD", "demo-password-2026")
TIMEOUT_SECONDS = 120
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class RequestFailed(RuntimeError):
    """A request did not answer as expected; the message says which and how."""


@dataclass(frozen=True)
class Answer:
    status: int
    seconds: float
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Session:
    server: Server
    cookies: dict[str, str] = field(default_factory=dict)

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        headers = {"Host": f"{HOST}:{self.server.port}", **PROXY_HEADERS, **extra}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return headers

    def read_headers(self) -> dict[str, str]:
        """Every header a read sends, for a load generator that sends them itself: the
        session cookies, the proxy's header and the CSRF header a page's own requests carry."""
        return self._headers({"X-CSRFToken": self.cookies.get("csrftoken", "")})

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Answer:
        """Send one request and read the whole answer; the time covers both."""
        connection = HTTPConnection(HOST, self.server.port, timeout=TIMEOUT_SECONDS)
        try:
            started = perf_counter()
            connection.request(method, path, body=body, headers=self._headers(headers or {}))
            response = connection.getresponse()
            content = response.read()
            seconds = perf_counter() - started
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Answer(status=response.status, seconds=seconds, body=content)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def _write_headers(self, content_type: str) -> dict[str, str]:
        return {
            "Content-Type": content_type,
            "Origin": self.server.origin,
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
        }

    def post_json(self, path: str, data: dict) -> Answer:
        body = json.dumps(data, default=str).encode()
        return self.request("POST", path, body, self._write_headers("application/json"))

    def post_form(self, path: str, data: dict) -> Answer:
        body = urlencode(data).encode()
        return self.request(
            "POST", path, body, self._write_headers("application/x-www-form-urlencoded")
        )


def signed_in(server: Server, username: str) -> Session:
    """A session signed in through the sign-in page as `username`."""
    session = Session(server)
    form = session.get("/sign-in/")
    token = CSRF_FIELD.search(form.body)
    if form.status != 200 or token is None:
        raise RequestFailed(f"the sign-in page answered {form.status} without a form")
    answer = session.post_form(
        "/sign-in/",
        {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1).decode(),
        },
    )
    if answer.status != 302 or "sessionid" not in session.cookies:
        raise RequestFailed(
            f"signing in as {username} answered {answer.status}; is BENCH_PASSWORD right?"
        )
    return session
