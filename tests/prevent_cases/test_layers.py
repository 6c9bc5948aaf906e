"""The layer contract exempts the composition root and nothing else, and says so openly."""

import re
import tomllib
from pathlib import Path

import grimp

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
# The URL wiring and the demo seeder compose every app; nothing else may import upwards.
COMPOSITION_ROOT = ("prevent_cases.urls", "prevent_cases.demo.")


def _layer_contract() -> dict:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return contract


def _module_pattern(pattern: str) -> re.Pattern:
    # import-linter's wildcards: `*` is one module name, `**` one or more.
    parts = [re.escape(part) for part in pattern.split(".")]
    regex = r"\.".join(part.replace(r"\*\*", r"[\w.]+").replace(r"\*", r"\w+") for part in parts)
    return re.compile(rf"{regex}\Z")


def test_the_layers_run_one_way_from_panels_to_prevent_cases():
    assert _layer_contract()["layers"] == ["panels", "referrals", "audit", "prevent_cases"]


def test_only_the_composition_root_is_exempt():
    """Every ignored import starts in the URL wiring or the demo seeder."""
    importers = [pattern.split(" -> ")[0] for pattern in _layer_contract()["ignore_imports"]]

    assert importers
    assert all(importer.startswith(COMPOSITION_ROOT) for importer in importers), importers


def test_every_ignore_pattern_matches_an_import_and_alerting_stays_on():
    """No exception outlives its use: each pattern names a real import, and the default
    alerting makes lint-imports fail on any that stops matching."""
    contract = _layer_contract()
    graph = grimp.build_graph(*contract["layers"], cache_dir=None)
    imports = [
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
    ]

    unmatched = []
    for pattern in contract["ignore_imports"]:
        importer, imported = map(_module_pattern, pattern.split(" -> "))
        if not any(importer.match(a) and imported.match(b) for a, b in imports):
            unmatched.append(pattern)

    assert unmatched == []
    assert "unmatched_ignore_imports_alerting" not in contract
