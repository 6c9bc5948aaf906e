"""The national figures the synthetic data follows (shared/domain.md section 8, Home Office
statistics 2023/24 and 2024/25), as (value, weight) tables, and a concern narrative for each
type of concern; and the wording of the police's share of a screened referral. Shared by
the demo and the synthetic region."""

# (value, weight) tables from the national figures.
SECTORS = (
    ("education", 36),
    ("police", 30),
    ("local_authority", 10),
    ("community", 5),
    ("family_friend", 6),
    ("health", 8),
    ("prison_probation", 3),
    ("other", 2),
)
CONCERN_TYPES = (
    ("extreme_right_wing", 21),
    ("islamist", 10),
    ("no_ideology", 30),
    ("no_ideology_other_susceptibility", 26),
    ("conflicted", 7),
    ("left_wing_anarchist_single_issue", 3),
    ("other", 3),
)
# Ages at referral: 54% under 18, 11 to 15 the largest band (36% of all).
AGES = (
    (range(8, 11), 4),
    (range(11, 16), 36),
    (range(16, 18), 14),
    (range(18, 21), 10),
    (range(21, 31), 16),
    (range(31, 41), 10),
    (range(41, 66), 10),
)
CONCERNS = {
    "extreme_right_wing": "A teacher reports the pupil sharing racist memes and talk of a "
    "'race war' in a class group chat.",
    "islamist": "A youth worker reports the young person repeating the language of a "
    "proscribed group and praising attacks.",
    "no_ideology": "Staff are worried about angry outbursts and threats to 'do something "
    "big', with no ideology evident.",
    "no_ideology_other_susceptibility": "A fascination with school shootings: searches, "
    "drawings and admiring talk of attackers.",
    "conflicted": "Mixed and changing views drawn from several extremist sources, none dominant.",
    "left_wing_anarchist_single_issue": "Talk of sabotage and violence against a company "
    "over a single cause.",
    "other": "Concerning online contacts and material that fits no listed category.",
}

# Why and how the police share a screened referral without seeking consent.
SHARE_REASON = "Seeking consent before the panel meets would prejudice the assessment."
SHARE_JUSTIFICATION = (
    "The panel needs identity, the concern and the screening to decide whether Channel is "
    "the right route; nothing less would let it assess vulnerability."
)
