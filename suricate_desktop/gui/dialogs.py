"""Dialogs of the workbench, their layouts from ui/*.ui."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from .forms import child, load_form


class AddBrokerDialog:
    """Ask for a broker: host, credentials, TLS, exchange, bindings, legacy queues."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.dialog = load_form("add_broker", parent, kind=QDialog)
        d = self.dialog
        self.host = child(d, QLineEdit, "host")
        self.port = child(d, QSpinBox, "port")
        self.vhost = child(d, QLineEdit, "vhost")
        self.user = child(d, QLineEdit, "user")
        self.password = child(d, QLineEdit, "password")
        self.tls = child(d, QCheckBox, "tls")
        self.ca_file = child(d, QLineEdit, "caFile")
        self.browse = child(d, QPushButton, "browseCa")
        self.exchange = child(d, QLineEdit, "exchange")
        self.bindings = child(d, QPlainTextEdit, "bindings")
        self.legacy = child(d, QLineEdit, "legacy")
        buttons = child(d, QDialogButtonBox, "buttons")
        buttons.accepted.connect(self.dialog.accept)
        buttons.rejected.connect(self.dialog.reject)
        self.tls.toggled.connect(self._on_tls)
        self.browse.clicked.connect(self._browse_ca)

    def _on_tls(self, on: bool) -> None:
        self.ca_file.setEnabled(on)
        self.browse.setEnabled(on)
        if on and self.port.value() == 5672:
            self.port.setValue(5671)
        elif not on and self.port.value() == 5671:
            self.port.setValue(5672)

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.dialog, "CA certificate", "", "Certificates (*.pem *.crt);;All (*)"
        )
        if path:
            self.ca_file.setText(path)

    def config(self) -> dict[str, Any]:
        """The BrokerSource configuration the form describes."""
        scheme = "amqps" if self.tls.isChecked() else "amqp"
        vhost = quote(self.vhost.text() or "/", safe="")
        url = (
            f"{scheme}://{quote(self.user.text(), safe='')}:{quote(self.password.text(), safe='')}"
            f"@{self.host.text().strip()}:{self.port.value()}/{vhost}"
        )
        bindings = [b.strip() for b in self.bindings.toPlainText().splitlines() if b.strip()]
        legacy = [q.strip() for q in self.legacy.text().replace(",", " ").split() if q.strip()]
        return {
            "kind": "broker",
            "url": url,
            "bindings": bindings,
            "legacy_queues": legacy,
            "exchange": self.exchange.text().strip() or "suricate",
            "tls_ca": self.ca_file.text().strip() if self.tls.isChecked() else None,
        }

    def exec(self) -> dict[str, Any] | None:  # safe: runs the modal dialog, no code from data
        accepted = self.dialog.exec() == QDialog.DialogCode.Accepted  # safe: QDialog.exec, a modal dialog
        return self.config() if accepted else None


class RemoteAgentsDialog:
    """Which hosts' agents (``suricate agent --control``) the editor may run scripts on."""

    def __init__(
        self,
        parent: QWidget | None = None,
        broker: str = "",
        hosts: Sequence[str] = (),
        secret_file: str = "",
        tls_ca: str = "",
    ) -> None:
        self.dialog = load_form("remote_agents", parent, kind=QDialog)
        d = self.dialog
        self.broker = child(d, QLineEdit, "broker")
        self.hosts = child(d, QLineEdit, "hosts")
        self.secret_file = child(d, QLineEdit, "secretFile")
        self.ca_file = child(d, QLineEdit, "caFile")
        if broker:
            self.broker.setText(broker)
        self.hosts.setText(", ".join(hosts))
        self.secret_file.setText(secret_file)
        self.ca_file.setText(tls_ca)
        child(d, QPushButton, "browseSecret").clicked.connect(self._browse)
        child(d, QPushButton, "browseCa").clicked.connect(self._browse_ca)
        buttons = child(d, QDialogButtonBox, "buttons")
        buttons.accepted.connect(self.dialog.accept)
        buttons.rejected.connect(self.dialog.reject)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.dialog, "Shared secret file")
        if path:
            self.secret_file.setText(path)

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.dialog, "CA certificate", "", "Certificates (*.pem *.crt);;All (*)"
        )
        if path:
            self.ca_file.setText(path)

    def config(self) -> dict[str, Any]:
        hosts = [h.strip() for h in self.hosts.text().replace(",", " ").split() if h.strip()]
        return {
            "broker": self.broker.text().strip(),
            "hosts": hosts,
            "secret_file": self.secret_file.text().strip(),
            "tls_ca": self.ca_file.text().strip(),
        }

    def exec(self) -> dict[str, Any] | None:  # safe: runs the modal dialog, no code from data
        accepted = self.dialog.exec() == QDialog.DialogCode.Accepted  # safe: QDialog.exec, a modal dialog
        return self.config() if accepted else None
