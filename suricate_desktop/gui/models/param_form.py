"""A detector's parameters as rows of a form, and read back: the Learn baseline dialog's parameter fields.

Kept apart from the dialog: which widget a parameter gets follows its default's type (a checkbox, a
whole number, a real, a line of text for an optional number or a list), and reading them back names the
field whose text cannot be read, whatever the detector.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout, QLineEdit, QSpinBox, QWidget

from ...analytics.detectors.limits import Limit, kind_text, parse_text
from .detector_params import param_text

DECIMALS = 3  # a real parameter's field


def fill_form(
    form: QFormLayout,
    defaults: dict[str, Any],
    values: dict[str, Any],
    limits: dict[str, Limit] | None = None,
) -> dict[str, QWidget]:
    """``form`` emptied, then a row a parameter of ``defaults`` set to its value in ``values`` (else its
    default); the fields by name. A number's field takes only values within its range in ``limits`` (the
    detector's, ``detectors.limits``), which its tooltip names."""
    limits = limits or {}
    while form.rowCount():
        form.removeRow(0)
    fields: dict[str, QWidget] = {}
    for name, default in defaults.items():
        value = values.get(name, default)
        widget: QWidget
        if isinstance(default, bool):
            box = QCheckBox()
            box.setChecked(bool(value))
            widget = box
        elif default is None or isinstance(default, (tuple, list)):
            # an optional number (empty: the detector learns it) or a list of whole numbers
            line = QLineEdit(param_text(value))
            line.setPlaceholderText("learnt" if default is None else "")
            widget = line
        elif isinstance(default, int):
            whole = QSpinBox()
            whole.setRange(*_span(limits.get(name), 1, 0, 2**31 - 1))
            whole.setValue(int(value))
            widget = whole
        else:
            real = QDoubleSpinBox()
            real.setDecimals(DECIMALS)
            real.setRange(*_span(limits.get(name), 10.0**-DECIMALS, 0.0, 1e9))
            real.setValue(float(value))
            widget = real
        within = limits.get(name)
        widget.setToolTip(f"{name} (default {param_text(default)}{f'; {within.text()}' if within else ''})")
        form.addRow(name.replace("_", " ") + ":", widget)
        fields[name] = widget
    return fields


def _span(limit: Limit | None, tick: float, low: float, high: float) -> tuple[Any, Any]:
    """A spin box's range for ``limit``: its edges (one ``tick`` past a low edge it must be above), within
    what the box can hold (``low``..``high`` where the limit has no edge)."""
    lo = low if limit is None or limit.lo is None else limit.lo + (tick if limit.above else 0)
    hi = high if limit is None or limit.hi is None else min(limit.hi, high)
    kind = type(tick)
    return kind(max(lo, -high)), kind(hi)


def form_height(form: QFormLayout, fields: dict[str, QWidget]) -> int:
    """Pixels the rows of ``fields`` take, with the form's spacing."""
    spacing = max(form.verticalSpacing(), 6)
    rows = [max(w.sizeHint().height(), form.labelForField(w).sizeHint().height()) for w in fields.values()]
    return sum(rows) + spacing * len(rows)


def read_form(fields: dict[str, QWidget], defaults: dict[str, Any]) -> dict[str, Any]:
    """The parameters as set; ``ValueError`` naming the field whose text cannot be read."""
    out: dict[str, Any] = {}
    for name, widget in fields.items():
        if isinstance(widget, QCheckBox):
            out[name] = widget.isChecked()
        elif isinstance(widget, QLineEdit):
            try:
                out[name] = parse_text(defaults[name], widget.text())
            except ValueError:
                what = kind_text(defaults[name], typed=True)
                raise ValueError(f"{name.replace('_', ' ')}: {widget.text()!r} is not {what}") from None
        else:
            out[name] = cast("QSpinBox | QDoubleSpinBox", widget).value()
    return out
