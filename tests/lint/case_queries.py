"""Fail when an interface module queries a sensitive model directly.

Case data reaches views, API views, forms, admin and template tags only through the
selectors, which apply the access policy. Adding a sensitive model means adding it here
(docs/how-to/add-a-sensitive-model.md).

Run: python -m tests.lint.case_queries
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("prevent_cases", "audit", "referrals", "panels")
SENSITIVE_MODELS = (
    "Referral",
    "Subject",
    "ReferralGrant",
    "SharingDecision",
    "DecisionReview",
    "AuditEvent",
    "VerificationRun",
    "Checkpoint",
)
INTERFACE_SUFFIXES = ("views.py", "forms.py", "admin.py")
INTERFACE_DIRS = ("api", "templatetags")
PATTERN = re.compile(rf"\b({'|'.join(SENSITIVE_MODELS)})\.(objects|_default_manager)\b")


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
    for path in interface_modules():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if PATTERN.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def main() -> int:
    found = violations()
    for line in found:
        sys.stderr.write(f"{line}\n    query case data through a selector instead\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
