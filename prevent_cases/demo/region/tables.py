"""Writing generated rows in bulk, straight into each model's table: COPY on PostgreSQL,
executemany elsewhere. No model instances and no auto_now: generated rows carry their own
times, so a row made "two years ago" says so."""

import io
import random
import uuid

from django.db import connection, models

from audit.record.bulk import BATCH_ROWS, copy_value


def _automatic_key(field) -> bool:
    return field.primary_key and isinstance(field, models.AutoField)


class Ids:
    """Deterministic UUIDs from the generator's seed, so the same run gives the same rows."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def new(self) -> uuid.UUID:
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)


class Table:
    """One model's table, filled a row at a time with values in `fields` order (field names
    or attnames, e.g. "referral_id")."""

    def __init__(self, model, fields: tuple[str, ...]) -> None:
        meta = model._meta
        self.model = model
        given = [meta.get_field(name) for name in fields]
        # Every other column takes its field's default, as the ORM would have given it;
        # an automatic key is left to the database.
        self._defaults = tuple(
            field.get_default()
            for field in meta.concrete_fields
            if field not in given and not field.auto_created and not _automatic_key(field)
        )
        self.fields = given + [
            field
            for field in meta.concrete_fields
            if field not in given and not field.auto_created and not _automatic_key(field)
        ]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in self.fields)
        self._copy_sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        marks = ", ".join(["%s"] * len(self.fields))
        # Names from the model's own metadata, quoted; values go as parameters.
        self._insert_sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        self.count = 0
        self._rows: list[tuple] = []

    def add(self, *values) -> None:
        self._rows.append(values + self._defaults)
        self.count += 1
        if len(self._rows) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        rows, self._rows = self._rows, []
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join(copy_value(value) for value in row) + "\n")
                buffer.seek(0)
                cursor.copy_expert(self._copy_sql, buffer)
                return
            # Elsewhere (SQLite, for tests at a small scale) each value is prepared as
            # Django would prepare it for an insert.
            cursor.executemany(
                self._insert_sql,
                [
                    [
                        field.get_db_prep_save(value, connection)
                        for field, value in zip(self.fields, row, strict=True)
                    ]
                    for row in rows
                ],
            )
