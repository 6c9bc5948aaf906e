"""Reading an assessment framework from its published file: dimensions, factors and the
rating scale, checked whole before anything is written."""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

BUNDLED = Path(__file__).resolve().parent.parent / "frameworks"
VAF_2012 = BUNDLED / "vaf-2012.json"


class FrameworkFileError(ValueError):
    """The file is not a framework this service can load; the message says where."""


@dataclass(frozen=True)
class FrameworkSpec:
    name: str
    valid_from: datetime.date
    ratings: list[dict[str, str]]
    dimensions: list[tuple[str, str, list[tuple[str, str]]]]


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FrameworkFileError(f"{where}: expected a non-empty text")
    return value.strip()


def _coded(items, where: str) -> list[tuple[str, str]]:
    if not isinstance(items, list) or not items:
        raise FrameworkFileError(f"{where}: expected a non-empty list")
    pairs = [
        (_text(item.get("code"), f"{where}[{n}].code"), _text(item.get("label"), f"{where}[{n}]"))
        for n, item in enumerate(items)
        if isinstance(item, dict)
    ]
    if len(pairs) != len(items):
        raise FrameworkFileError(f"{where}: every entry needs a code and a label")
    codes = [code for code, _ in pairs]
    if len(set(codes)) != len(codes):
        raise FrameworkFileError(f"{where}: codes must be unique")
    return pairs


def framework_from_json(text: str) -> FrameworkSpec:
    """The framework a file describes; FrameworkFileError naming the first problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FrameworkFileError(f"not JSON: {error.msg} at line {error.lineno}") from None
    if not isinstance(data, dict):
        raise FrameworkFileError("expected an object with name, valid_from, ratings, dimensions")
    try:
        valid_from = datetime.date.fromisoformat(_text(data.get("valid_from"), "valid_from"))
    except ValueError:
        raise FrameworkFileError("valid_from: expected a date as YYYY-MM-DD") from None
    dimensions_data = data.get("dimensions")
    dimensions = [
        (code, label, _coded(dimensions_data[n].get("factors"), f"dimensions[{n}].factors"))
        for n, (code, label) in enumerate(_coded(dimensions_data, "dimensions"))
    ]
    return FrameworkSpec(
        name=_text(data.get("name"), "name"),
        valid_from=valid_from,
        ratings=[{"code": c, "label": lbl} for c, lbl in _coded(data.get("ratings"), "ratings")],
        dimensions=dimensions,
    )


def framework_write(spec: FrameworkSpec, *, framework_model, dimension_model, factor_model):
    """Write a framework with the given models (the app's, or a migration's)."""
    framework = framework_model.objects.create(
        name=spec.name, valid_from=spec.valid_from, ratings=spec.ratings
    )
    for position, (code, label, factors) in enumerate(spec.dimensions, start=1):
        dimension = dimension_model.objects.create(
            framework=framework, code=code, label=label, position=position
        )
        factor_model.objects.bulk_create(
            factor_model(dimension=dimension, code=f_code, label=f_label, position=n)
            for n, (f_code, f_label) in enumerate(factors, start=1)
        )
    return framework
