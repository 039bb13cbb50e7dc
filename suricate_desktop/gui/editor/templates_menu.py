"""The editor pane's Templates menu: the template library by category, each in D and in bpftrace.

Picking one opens its script in a new tab with the template's interval, and its chart as the
hint for the run options' "auto" chart. This machine's language comes first in each submenu.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from ...lang.templates import Template, TemplateError, load_templates
from .run_options import native_lang
from .script_document import EXTENSIONS, LANG_NAMES, ScriptDocument, script_lang

if TYPE_CHECKING:
    from .editor_pane import EditorPane

__all__ = ["CATEGORY_TITLES", "TemplatesMenu"]

CATEGORY_TITLES = {
    "use": "USE method",
    "seed": "Seed one-liners",
    "cpu": "CPU",
    "disk": "Disk",
    "processes": "Processes",
    "syscalls": "System calls",
    "memory": "Memory",
    "network": "Network",
}


class TemplatesMenu:
    """Builds the Templates menu from the template library and opens the template picked."""

    def __init__(self, pane: EditorPane, templates_root: str | None = None) -> None:
        self._pane = pane
        self._root = templates_root
        #: The templates loaded (empty when the library could not be read).
        self.templates: list[Template] = []
        self.menu = QMenu("&Templates", pane)
        self.menu.setToolTipsVisible(True)
        self.fill()

    def fill(self) -> None:
        """(Re)load the templates and build the menu: category > template > language."""
        menu = self.menu
        menu.clear()
        try:
            templates = load_templates(self._root)
        except (OSError, TemplateError) as exc:
            a = menu.addAction(f"No templates ({exc})")
            a.setEnabled(False)
            return
        self.templates = templates
        native = native_lang()
        order = [native] + [lang for lang in ("bpftrace", "d") if lang != native]
        by_category: dict[str, list[Template]] = {}
        for t in templates:
            by_category.setdefault(t.category, []).append(t)
        for category, group in by_category.items():
            sub = menu.addMenu(CATEGORY_TITLES.get(category, category.replace("-", " ").capitalize()))
            sub.setToolTipsVisible(True)
            for t in group:
                tm = sub.addMenu(t.title)
                tm.setToolTipsVisible(True)
                tm.menuAction().setToolTip(t.description)
                tm.menuAction().setStatusTip(t.description)
                tm.menuAction().setData(t.id)
                for lang in order:
                    label = "bpftrace (.bt)" if lang == "bpftrace" else "D (.d)"
                    if lang == "bpftrace" and t.bt_origin == "translated":
                        label += "  translated from D"
                    a = tm.addAction(label)
                    a.setObjectName(f"template.{t.id}.{lang}")
                    a.setData((t.id, lang))
                    a.setToolTip(f"{t.description} Chart: {t.chart}; every {t.interval:g} s.")
                    a.triggered.connect(partial(self._on_triggered, t, lang))

    def actions(self) -> list[QAction]:
        """Every "open this template in this language" action of the menu."""
        out: list[QAction] = []

        def walk(menu: QMenu) -> None:
            for a in menu.actions():
                sub = a.menu()
                if isinstance(sub, QMenu):
                    walk(sub)
                elif isinstance(a.data(), tuple):
                    out.append(a)

        walk(self.menu)
        return out

    def insert(self, template: Template, lang: str) -> ScriptDocument:
        """A new tab with ``template``'s script in ``lang``, its interval and its chart as "auto"."""
        pane = self._pane
        lang = script_lang(lang)
        doc = pane.new_document(lang, template.script(lang), name=f"{template.id}{EXTENSIONS[lang]}")
        doc.chart_hint = template.chart
        doc.run_config = replace(doc.run_config, interval=float(template.interval), chart="auto")
        pane.show_run_config(doc)
        pane.status.emit(f"Template: {template.title} ({LANG_NAMES[lang]})")
        return doc

    def _on_triggered(self, template: Template, lang: str, _checked: bool = False) -> None:
        self.insert(template, lang)
