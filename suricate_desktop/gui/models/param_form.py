"""A detector's parameters as rows of a form, and read back: the Learn baseline dialog's parameter fields.

Kept apart from the dialog: which widget a parameter gets follows its default's type (a checkbox, a
whole number, a real, a line of text for an optional number or a list), and reading them back names the
field whose text cannot be read, whatever the detector.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout, QLineEdit, QSpinBox, QWidget

from .detector_params import param_text, parse_param


def fill_form(form: QFormLayout, defaults: dict[str, Any], values: dict[str, Any]) -> dict[str, QWidget]:
    """``form`` emptied, then a row a parameter of ``defaults`` set to its value in ``values`` (else its
    default); the fields by name."""
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
            whole.setRange(0, 10_000_000)
            whole.setValue(int(value))
            widget = whole
        else:
            real = QDoubleSpinBox()
            real.setDecimals(3)
            real.setRange(0.0, 1e9)
            real.setValue(float(value))
            widget = real
        widget.setToolTip(f"{name} (default {default})")
        form.addRow(name.replace("_", " ") + ":", widget)
        fields[name] = widget
    return fields


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
                out[name] = parse_param(defaults[name], widget.text())
            except ValueError:
                what = "a number, or empty" if defaults[name] is None else "whole numbers separated by commas"
                raise ValueError(f"{name.replace('_', ' ')}: {widget.text()!r} is not {what}") from None
        else:
            out[name] = cast("QSpinBox | QDoubleSpinBox", widget).value()
    return out
