"""Desktop notifications of alerts: a balloon from the system tray icon, and the window's status bar.

Where the desktop has no tray (some window managers, the offscreen platform) the balloon cannot show; the
status bar message and the alert history still do, so no firing goes unseen.
"""

from __future__ import annotations

import collections

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from ..forms import resource_path
from .style import fmt_number

ICONS = {
    "critical": QSystemTrayIcon.MessageIcon.Critical,
    "warning": QSystemTrayIcon.MessageIcon.Warning,
    "info": QSystemTrayIcon.MessageIcon.Information,
}
SHOW_MS = 10_000
MAX_SEPARATE = 3  # more notifications at once than this make one summary


class TrayNotifier(QObject):
    """Shows each firing and resolve; ``shown`` keeps the newest (title, text) pairs, as the user saw them."""

    message = Signal(str)  # the same news, for the status bar
    activated = Signal()  # the user clicked the tray icon or its balloon

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.shown: collections.deque[tuple[str, str]] = collections.deque(maxlen=100)
        self.tray = QSystemTrayIcon(QIcon(str(resource_path("icons", "suricate-64.png"))), self)
        self.tray.setToolTip("Suricate Desktop: no alert firing")
        self.tray.activated.connect(lambda _reason: self.activated.emit())
        self.tray.messageClicked.connect(self.activated.emit)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()

    @property
    def in_tray(self) -> bool:
        """Whether balloons can show on this desktop."""
        return QSystemTrayIcon.isSystemTrayAvailable() and self.tray.isVisible()

    def notify(self, alert: dict) -> None:
        """One alert message (``Engine.alert_message``): its firing or its resolve."""
        state = alert.get("state", "")
        resolved = alert.get("phase") == "resolved"
        word = "resolved" if resolved else ("fired" if state in ("firing", "acknowledged") else state)
        title = f"{alert.get('severity', '').upper()}: {alert.get('rule')} {word}"
        parts = [str(alert.get("series", ""))]
        if alert.get("value") is not None:
            parts.append(f"value {fmt_number(alert['value'])}")
        if alert.get("score") is not None:
            parts.append(f"score {fmt_number(alert['score'])}")
        parts.append(f"threshold {alert.get('op', '')} {fmt_number(alert.get('threshold'))}")
        if alert.get("test"):
            title = f"TEST: {title}"
        text = " · ".join(parts)
        self.shown.append((title, text))
        if self.in_tray:
            icon = (
                QSystemTrayIcon.MessageIcon.Information
                if resolved
                else ICONS.get(alert.get("severity") or "", ICONS["warning"])
            )
            self.tray.showMessage(title, text, icon, SHOW_MS)
        self.message.emit(f"{title}: {text}")

    def notify_all(self, alerts: list[dict]) -> None:
        """A burst (a rule over many series fires on all of them at once) is one balloon, not a dozen."""
        if len(alerts) <= MAX_SEPARATE:
            for alert in alerts:
                self.notify(alert)
            return
        fired = [a for a in alerts if a.get("phase") != "resolved"]
        rules = sorted({str(a.get("rule")) for a in alerts})
        title = f"{len(fired)} alerts fired, {len(alerts) - len(fired)} resolved"
        text = "rules " + ", ".join(rules[:5]) + (" …" if len(rules) > 5 else "") + ": see the alert history"
        self.shown.append((title, text))
        if self.in_tray:
            worst = "critical" if any(a.get("severity") == "critical" for a in fired) else "warning"
            self.tray.showMessage(title, text, ICONS[worst] if fired else ICONS["info"], SHOW_MS)
        self.message.emit(f"{title}: {text}")

    def set_firing(self, count: int) -> None:
        self.tray.setToolTip(
            f"Suricate Desktop: {count} alert{'s' if count != 1 else ''} firing"
            if count
            else "Suricate Desktop: no alert firing"
        )
