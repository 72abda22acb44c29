"""Settings: who this desktop is, auto-sync interval, notifications."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from leaddesk.ui.settings import AUTO_SYNC_MINUTES, ME, NOTIFY_NEW, Settings


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("LeadDesk settings")
        form = QFormLayout(self)
        self.me = QLineEdit(settings.get_str(ME))
        self.me.setPlaceholderText("your login name")
        form.addRow("I am (team member name):", self.me)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 240)
        self.minutes.setSuffix(" min")
        self.minutes.setSpecialValueText("off")
        self.minutes.setValue(settings.get_int(AUTO_SYNC_MINUTES))
        form.addRow("Sync automatically every:", self.minutes)
        self.notify = QCheckBox("Notify me when new leads arrive")
        self.notify.setChecked(settings.get_bool(NOTIFY_NEW))
        form.addRow(self.notify)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        self.settings.set(ME, self.me.text().strip())
        self.settings.set(AUTO_SYNC_MINUTES, self.minutes.value())
        self.settings.set(NOTIFY_NEW, self.notify.isChecked())
        self.settings.sync()
        super().accept()
