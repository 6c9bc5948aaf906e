"""Log lines are JSON with a request id, and carry identifiers but no personal data."""

import json
import logging

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log_lines():
    """Capture what the console handler writes, formatted exactly as in production."""
    from django.conf import settings

    formatter = logging.getLogger().handlers[0].formatter
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.INFO)
    logger = logging.getLogger("django_structlog")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    assert settings.DJANGO_STRUCTLOG_IP_LOGGING_ENABLED is False
    yield lambda: [json.loads(formatter.format(record)) for record in records]
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_request_lines_are_json_with_a_request_id_and_no_personal_data(sign_in, json_log_lines):
    client = sign_in("northby.officer")
    client.get("/?q=Jane+Example&dob=2009-04-01")
    lines = json_log_lines()
    finished = [line for line in lines if line["event"] == "request_finished"]
    assert finished, lines
    line = finished[-1]
    assert line["request_id"]
    assert line["user_id"]  # the user's UUID, not their name
    assert line["request"] == "GET /"
    text = json.dumps(lines)
    assert "Jane" not in text
    assert "2009-04-01" not in text
    assert "northby.officer" not in text
    assert "ip" not in line
