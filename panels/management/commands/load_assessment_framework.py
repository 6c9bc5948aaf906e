from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from panels.rules.frameworks import FrameworkFileError, framework_from_json
from panels.services.assessment import assessment_framework_load
from prevent_cases.exceptions import AccessDenied
from prevent_cases.models import User
from prevent_cases.selectors import membership_for_user


class Command(BaseCommand):
    help = (
        "Load a new version of the vulnerability assessment framework from its JSON file "
        "(name, valid_from, ratings, dimensions with factors), as an administrator. The file "
        "is checked whole first; nothing is written if any part is wrong."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The framework file (UTF-8 JSON).")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The username of the administrator loading it.",
        )

    def handle(self, *args, file: Path, username: str, **options) -> None:
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"No user named {username}.")
        try:
            spec = framework_from_json(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: cannot be read ({error}).") from error
        except FrameworkFileError as error:
            raise CommandError(f"{file}: {error}") from error
        try:
            framework = assessment_framework_load(
                actor=actor, membership=membership_for_user(actor), spec=spec
            )
        except AccessDenied as error:
            raise CommandError(error.message) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        factors = sum(len(factors) for _, _, factors in spec.dimensions)
        self.stdout.write(
            f"Loaded {framework.name}: {len(spec.dimensions)} dimensions, {factors} factors, "
            f"in force from {framework.valid_from:%d/%m/%Y}."
        )
