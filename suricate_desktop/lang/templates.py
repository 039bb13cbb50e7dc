"""The template library: ready-made scripts in both languages, with the chart that suits each.

A template is a folder under ``resources/templates/`` named by its id, holding:

* ``template.toml``: ``title``, ``description``, ``chart`` (one of
  :data:`CHARTS`), ``category``, ``interval`` (seconds, a hint for the agent),
  ``bt_origin`` (``"translated"``: ``script.bt`` is ``suricate translate
  --arch x86_64 script.d`` under a comment header; ``"hand-written"``
  otherwise) and optionally ``arch`` (the architecture a translated twin was
  made for, ``x86_64`` by default);
* ``script.d``: the D script (DTrace: SmartOS/illumos, FreeBSD, macOS);
* ``script.bt``: its bpftrace twin (Linux).

Where the library is (``root=None``): the ``SURICATE_TEMPLATES`` environment
variable if set; else ``resources/templates`` at the top of the repository
checkout, next to the ``suricate_desktop`` package (the editable install the
project uses); else ``<sys.prefix>/share/suricate-desktop/templates``, where a
packager who ships ``resources/`` as data files would put it. The loader reads
plain files through :mod:`pathlib`, so a root can also be any directory with
that layout (``importlib.resources.files(...)`` of a package that ships them
gives such a path).
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CHARTS", "Template", "TemplateError", "get_template", "load_templates", "templates_root"]

#: Charts the GUI can draw for a template.
CHARTS = ("timeseries", "bars", "pie", "histogram", "heatmap")

ENV_VAR = "SURICATE_TEMPLATES"


class TemplateError(Exception):
    """A template folder that is incomplete or malformed."""


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    description: str
    chart: str
    category: str
    d_script: str
    bt_script: str
    interval: float = 1.0
    bt_origin: str = "hand-written"
    arch: str = "x86_64"
    path: Path | None = None

    def script(self, lang: str) -> str:
        """The script in ``lang``: ``"d"`` or ``"bpftrace"`` (also ``"bt"``)."""
        if lang == "d":
            return self.d_script
        if lang in ("bpftrace", "bt"):
            return self.bt_script
        raise ValueError(f"unknown language {lang!r} (d or bpftrace)")


def templates_root() -> Path:
    """The directory holding the template folders (see the module docstring)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parent.parent.parent / "resources" / "templates"
    if checkout.is_dir():
        return checkout
    installed = Path(sys.prefix) / "share" / "suricate-desktop" / "templates"
    if installed.is_dir():
        return installed
    raise FileNotFoundError(
        f"no template library: set {ENV_VAR}, or run from a checkout with resources/templates ({checkout})"
    )


def _load(folder: Path) -> Template:
    meta_path = folder / "template.toml"
    try:
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        d_script = (folder / "script.d").read_text(encoding="utf-8")
        bt_script = (folder / "script.bt").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TemplateError(f"template {folder.name}: missing {Path(exc.filename).name}") from None
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"template {folder.name}: template.toml: {exc}") from None
    for key in ("title", "description", "chart", "category"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise TemplateError(f"template {folder.name}: template.toml needs a non-empty {key}")
    if meta["chart"] not in CHARTS:
        raise TemplateError(
            f"template {folder.name}: chart {meta['chart']!r} is not one of {', '.join(CHARTS)}"
        )
    origin = meta.get("bt_origin", "hand-written")
    if origin not in ("translated", "hand-written"):
        raise TemplateError(f"template {folder.name}: bt_origin must be 'translated' or 'hand-written'")
    interval = meta.get("interval", 1.0)
    if not isinstance(interval, (int, float)) or interval <= 0:
        raise TemplateError(f"template {folder.name}: interval must be a positive number of seconds")
    return Template(
        id=folder.name,
        title=meta["title"].strip(),
        description=" ".join(meta["description"].split()),
        chart=meta["chart"],
        category=meta["category"],
        d_script=d_script,
        bt_script=bt_script,
        interval=float(interval),
        bt_origin=origin,
        arch=meta.get("arch", "x86_64"),
        path=folder,
    )


def load_templates(root: str | os.PathLike[str] | None = None) -> list[Template]:
    """Every template under ``root`` (default :func:`templates_root`), sorted by category then id.

    Raises TemplateError for a folder that lacks a file or has bad metadata.
    """
    base = Path(root) if root is not None else templates_root()
    folders = sorted(p for p in base.iterdir() if p.is_dir() and (p / "template.toml").exists())
    return sorted((_load(f) for f in folders), key=lambda t: (t.category, t.id))


def get_template(template_id: str, root: str | os.PathLike[str] | None = None) -> Template:
    """One template by id; KeyError if there is none."""
    base = Path(root) if root is not None else templates_root()
    folder = base / template_id
    if not (folder / "template.toml").exists():
        raise KeyError(template_id)
    return _load(folder)
