"""How long the free text the panel API takes may be: longer than anyone writes in a case
record, and no longer, so that one request cannot fill the database. The same limits as
the referral API's for the same kinds of text."""

NAME = 200  # a service or a person named: the column's own length
PURPOSE = 2000  # the purpose of a sharing decision
REASONS = 4000  # why sharing is justified, why consent was not sought
RATIONALE = 5000  # the reasons for a step, a note, an action, a goal
RECORD = 20000  # minutes, evidence, a summary, a plan
