"""Fail when an interface module queries a sensitive model directly.

Case data reaches views, API views, forms, admin and template tags only through the
selectors, which apply the access policy. The models of case data come from the case-data
registry (referrals/rules/case_data.py), so a model added there is checked here at once
(docs/how-to/add-a-sensitive-model.md); the record's own models are listed below.

Run: python -m tests.lint.case_queries
"""

import os
import re
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]
APPS = ("prevent_cases", "audit", "referrals", "panels")
# The record: decisions, reviews and events are read through the audit selectors.
RECORD_MODELS = ("SharingDecision", "DecisionReview", "AuditEvent", "VerificationRun", "Checkpoint")


def sensitive_models() -> tuple[str, ...]:
    """Case-data models (from the registry), the grants on them, and the record."""
    # The registry is read from the models themselves, so the lint loads Django first.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prevent_cases.settings.test")
    django.setup()
    from referrals.rules.case_data import sensitive_model_names

    return (*sensitive_model_names(), "ReferralGrant", *RECORD_MODELS)


INTERFACE_SUFFIXES = ("views.py", "forms.py", "admin.py")
INTERFACE_DIRS = ("api", "templatetags", "web")


def pattern() -> re.Pattern:
    return re.compile(
        rf"\b({'|'.join(sensitive_models())})\.(objects|_default_manager|_base_manager)\b"
    )


def interface_modules() -> list[Path]:
    modules = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT / app)
            if path.name.endswith(INTERFACE_SUFFIXES) or relative.parts[0] in INTERFACE_DIRS:
                modules.append(path)
    return sorted(modules)


def violations() -> list[str]:
    found = []
    compiled = pattern()
    for path in interface_modules():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if compiled.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def main() -> int:
    found = violations()
    for line in found:
        sys.stderr.write(f"{line}\n    query case data through a selector instead\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
