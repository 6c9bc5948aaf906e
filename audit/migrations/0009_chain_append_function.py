"""On PostgreSQL, linking a batch of events into the chain is one server-side call:
`audit_chain_append` takes the chain's lock, reads the head, places and hashes each event
and inserts them all, so the lock is held for that call and the commit after it, never
across round trips to the application (docs/adr/0015). SQLite serialises writers at BEGIN
and links in Python, as before.
"""

from django.db import migrations

# The hash is SHA-256 of the event's canonical text, whose parts that do not depend on its
# place the application renders (audit.record.canonical.EventBody.around_place); here the
# place (time, previous hash, seq) goes between them, exactly as EventBody.placed_hash
# fills the template. Output names differ from the table's columns, which PL/pgSQL would
# otherwise find ambiguous.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_chain_append(
    lock_key bigint,
    genesis_hash text,
    parts text[],
    kinds text[],
    actors uuid[],
    agencies uuid[],
    target_types text[],
    target_ids uuid[],
    payloads text[]
) RETURNS TABLE (placed_seq bigint, placed_at timestamptz, placed_prev text, placed_hash text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    head_seq bigint;
    head_hash text;
    head_at timestamptz;
    placed timestamptz;
    stamp text;
    seqs bigint[] := '{}';
    prevs text[] := '{}';
    hashes text[] := '{}';
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    -- A statement of its own, so its snapshot is taken once the lock is held: it sees
    -- every batch committed by the holders before this one.
    SELECT e.seq, e.hash, e.created_at INTO head_seq, head_hash, head_at
    FROM audit_auditevent e ORDER BY e.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        head_seq := 0;
        head_hash := genesis_hash;
    END IF;
    -- Taken under the lock, and never before the head's, so created_at never decreases
    -- along the chain whichever clock wrote the events before.
    placed := greatest(clock_timestamp(), head_at);
    stamp := to_char(placed AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    FOR i IN 1 .. coalesce(array_length(kinds, 1), 0) LOOP
        head_seq := head_seq + 1;
        seqs := seqs || head_seq;
        prevs := prevs || head_hash;
        head_hash := encode(sha256(convert_to(
            parts[i][1] || stamp || parts[i][2] || head_hash || parts[i][3]
            || head_seq::text || parts[i][4],
            'UTF8')), 'hex');
        hashes := hashes || head_hash;
    END LOOP;
    INSERT INTO audit_auditevent
        (seq, created_at, type, actor, agency, target_type, target_id, payload, prev_hash, hash)
    SELECT s, placed, k, a, g, tt, ti, p::jsonb, ph, h
    FROM unnest(seqs, kinds, actors, agencies, target_types, target_ids, payloads, prevs, hashes)
        AS batch(s, k, a, g, tt, ti, p, ph, h);
    RETURN QUERY SELECT s, placed, ph, h FROM unnest(seqs, prevs, hashes) AS linked(s, ph, h);
END
$$;
"""
DROP_FUNCTION = (
    "DROP FUNCTION IF EXISTS audit_chain_append"
    "(bigint, text, text[], text[], uuid[], uuid[], text[], uuid[], text[])"
)


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the function body holds % signs of its own.
        schema_editor.execute(CREATE_FUNCTION, params=None)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("audit", "0008_shares_received_index")]

    operations = [migrations.RunPython(create_function, drop_function)]
