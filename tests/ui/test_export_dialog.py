"""The Export dialog: the selection exactly, a file that cannot be written said in the dialog."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt

from leaddesk.export import selection

from leaddesk.ui.context import AppContext
from leaddesk.ui.export_dialog import ExportDialog


def test_the_selected_messages_are_exported_and_nothing_else(qtbot, ctx: AppContext,
                                                             tmp_path: Path) -> None:
    with ctx.db.session() as s:
        from leaddesk import query
        from leaddesk.query import Filter
        ids = query.ids(s, Filter())[:3]
    dialog = ExportDialog(ctx, selection(ids), what="the selected messages", count=3)
    qtbot.addWidget(dialog)
    dialog.per.setCurrentIndex(0)
    dialog.path.setText(str(tmp_path / "three.csv"))
    dialog.start()
    assert dialog.outcome is not None
    assert dialog.outcome.rows == 3
    with open(tmp_path / "three.csv", encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 3


def test_a_file_that_cannot_be_written_is_said_in_the_dialog(qtbot, ctx: AppContext,
                                                             tmp_path: Path) -> None:
    from leaddesk.query import Filter
    dialog = ExportDialog(ctx, Filter(), what="the messages in this view", count=30)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "no such folder" / "leads.csv"))
    dialog.start()
    assert dialog.outcome is None
    assert dialog.export_button.isEnabled()  # try again with another file
    assert "no such folder" in dialog.status.text()
    assert not (tmp_path / "no such folder").exists()


def test_a_crm_preset_picks_the_encoding_its_importer_reads(qtbot, ctx: AppContext,
                                                            tmp_path: Path) -> None:
    from leaddesk.query import Filter
    dialog = ExportDialog(ctx, Filter(), what="the messages in this view", count=30)
    qtbot.addWidget(dialog)
    dialog.preset.setCurrentText("salesforce")
    assert dialog.options().text_encoding == "utf-8"  # Salesforce reads a BOM as part of a header
    dialog.path.setText(str(tmp_path / "sf.csv"))
    dialog.start()
    assert not (tmp_path / "sf.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    dialog.preset.setCurrentText("hubspot")
    assert dialog.options().text_encoding == "utf-8-sig"


def test_a_file_named_with_markup_and_an_override_is_written_so_and_said_as_typed(
        qtbot, ctx: AppContext, tmp_path: Path) -> None:
    from leaddesk.query import Filter
    name = "<img src=x onerror=1> Tom & Jerry &amp; \u202evsc.exe.csv"  # a name may hold all that
    dialog = ExportDialog(ctx, Filter(), what="the messages in this view", count=30)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / name))
    dialog.start()
    assert dialog.outcome is not None
    assert (tmp_path / name).exists()  # the file is named as asked …
    assert dialog.status.textFormat() == Qt.TextFormat.PlainText
    shown = str(tmp_path / name).replace("\u202e", "")  # … and said without being reversed
    assert dialog.status.text() == f"Exported {dialog.outcome.rows:,} rows to {shown}."
