"""The published lists of types of concern and age bands, as versioned data.

Sources: the Home Office statistics on individuals referred to Prevent (shared/domain.md
section 3). Older categories map to a current one so year-on-year tables can be built.
An administrator can add a later version without a code change.
"""

import datetime

from django.db import migrations

CURRENT = ("Types of concern from 2024/25", datetime.date(2024, 4, 1))
CURRENT_TYPES = (
    ("extreme_right_wing", "Extreme right-wing"),
    ("islamist", "Islamist"),
    ("left_wing_anarchist_single_issue", "Left-wing, anarchist or single-issue"),
    ("conflicted", "Conflicted or unclear (several ideologies, none dominant)"),
    ("no_ideology", "No ideology identified"),
    (
        "no_ideology_other_susceptibility",
        "No ideology, but other susceptibility to radicalisation (including a fascination "
        "with extreme violence or mass-casualty attacks)",
    ),
    ("other", "Other"),
)
# (version name, valid from, [(code, label, current code)])
EARLIER = (
    (
        "Types of concern 2015/16",
        datetime.date(2015, 4, 1),
        (
            ("islamist", "Islamist", "islamist"),
            ("extreme_right_wing", "Extreme right wing", "extreme_right_wing"),
            ("other", "Other", "other"),
            ("unspecified", "Unspecified", "no_ideology"),
        ),
    ),
    (
        "Types of concern 2017/18",
        datetime.date(2017, 4, 1),
        (
            ("islamist", "Islamist", "islamist"),
            ("extreme_right_wing", "Extreme right wing", "extreme_right_wing"),
            ("mixed_unstable_unclear", "Mixed, unstable or unclear", "conflicted"),
            ("other", "Other", "other"),
        ),
    ),
)
AGE_BANDS = (
    (
        "Age bands from 2024/25",
        datetime.date(2024, 4, 1),
        (
            ("10 or under", 0, 10),
            ("11 to 15", 11, 15),
            ("16 to 17", 16, 17),
            ("18 to 20", 18, 20),
            ("21 to 30", 21, 30),
            ("31 to 40", 31, 40),
            ("41 to 50", 41, 50),
            ("51 and over", 51, None),
        ),
    ),
    (
        "Age bands before 2024/25",
        datetime.date(2015, 4, 1),
        (
            ("Under 15", 0, 14),
            ("15 to 20", 15, 20),
            ("21 to 30", 21, 30),
            ("31 to 40", 31, 40),
            ("41 and over", 41, None),
        ),
    ),
)


def load(apps, schema_editor):
    version_model = apps.get_model("referrals", "ConcernTypeVersion")
    type_model = apps.get_model("referrals", "ConcernType")
    band_version_model = apps.get_model("referrals", "AgeBandVersion")
    band_model = apps.get_model("referrals", "AgeBand")

    current = version_model.objects.create(name=CURRENT[0], valid_from=CURRENT[1])
    current_types = {
        code: type_model.objects.create(version=current, code=code, label=label, position=n)
        for n, (code, label) in enumerate(CURRENT_TYPES)
    }
    for name, valid_from, types in EARLIER:
        version = version_model.objects.create(name=name, valid_from=valid_from)
        for n, (code, label, current_code) in enumerate(types):
            type_model.objects.create(
                version=version,
                code=code,
                label=label,
                position=n,
                current_equivalent=current_types[current_code],
            )
    for name, valid_from, bands in AGE_BANDS:
        version = band_version_model.objects.create(name=name, valid_from=valid_from)
        for label, low, high in bands:
            band_model.objects.create(version=version, label=label, min_age=low, max_age=high)


def unload(apps, schema_editor):
    for model in ("ConcernType", "ConcernTypeVersion", "AgeBand", "AgeBandVersion"):
        apps.get_model("referrals", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_referrals_screening_and_grants")]

    operations = [migrations.RunPython(load, unload)]
