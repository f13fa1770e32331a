"""A handover as a document: for reading on screen, printing, or saving as a PDF.

One place builds the HTML, so the handovers page, the composer's preview and the paper copy
all say the same thing. Every piece of text a person wrote is escaped, never trusted as
markup. Paper and PDF copies leave the encrypted file, so the printed page says so and the
app asks before making one (see :data:`PAPER_NOTE`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from ui.models.calls_model import time_text
from ui.prompts import Prompts
from warmline.handovers import SECTIONS, Acknowledgement, Handover
from warmline.shift_summary import summary_lines

#: What each written section is called, on screen and on paper.
SECTION_TITLES: dict[str, str] = {
    "how_it_was": "How the line was",
    "callers_to_keep_in_mind": "Callers to keep in mind",
    "follow_ups": "Follow-ups",
    "team_and_phones": "Phones, equipment and the team",
    "anything_else": "Anything else",
}
assert set(SECTION_TITLES) == set(SECTIONS)

PAPER_NOTE = (
    "Paper and PDF copies are not locked: anyone who finds them can read them. Keep them "
    "somewhere locked, and shred or delete "
    "them when they are no longer needed."
)

Names = Callable[[str | None], str]


def _para(text: str) -> str:
    return (
        "<br>".join(html.escape(line) for line in text.splitlines()) or "<i>(nothing written)</i>"
    )


def summary_html(summary: Mapping[str, Any]) -> str:
    return "<br>".join(html.escape(line) for line in summary_lines(summary))


def handover_html(
    handover: Handover,
    names: Names,
    acks: Sequence[Acknowledgement] = (),
    *,
    line_name: str = "",
    for_paper: bool = False,
    with_summary: bool = True,
) -> str:
    """The whole handover: who and when, the generated summary, the written sections, and
    who has read it (with their replies)."""
    author = names(handover.author_uuid) or "someone"
    parts = []
    if for_paper:
        parts.append(f"<p><b>{html.escape(PAPER_NOTE)}</b></p>")
    title = f"Handover from {author}"
    if line_name:
        title += f" — {line_name}"
    parts.append(f"<h2>{html.escape(title)}</h2>")
    parts.append(f"<p>Written {html.escape(time_text(handover.created_at))}")
    if handover.revision > 1 and handover.updated_at is not None:
        parts.append(f"; changed {html.escape(time_text(handover.updated_at))}")
    parts.append("</p>")
    if handover.damaged:
        parts.append(
            "<p><b>This handover could not be opened: it was changed outside Warmline or "
            "the file is damaged.</b></p>"
        )
        return "".join(parts)
    if with_summary:
        parts.append("<h3>From the shift's records</h3>")
        parts.append(f"<p>{summary_html(handover.summary)}</p>")
    for name in SECTIONS:
        parts.append(f"<h3>{html.escape(SECTION_TITLES[name])}</h3>")
        parts.append(f"<p>{_para(getattr(handover, name))}</p>")
    parts.append("<h3>Read by</h3>")
    if acks:
        items = []
        for ack in acks:
            line = f"{names(ack.account_uuid)}, {time_text(ack.acknowledged_at)}"
            if ack.reply:
                line += f": “{ack.reply}”"
            items.append(f"<li>{html.escape(line)}</li>")
        parts.append("<ul>" + "".join(items) + "</ul>")
    else:
        parts.append("<p>Nobody has acknowledged it yet.</p>")
    return "".join(parts)


def handover_document(
    handover: Handover,
    names: Names,
    acks: Sequence[Acknowledgement] = (),
    *,
    line_name: str = "",
) -> QTextDocument:
    """The paper version: the same content with the not-encrypted note at the top."""
    document = QTextDocument()
    document.setHtml(handover_html(handover, names, acks, line_name=line_name, for_paper=True))
    return document


def _paper_printer(printer: QPrinter) -> None:
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)


def write_pdf(document: QTextDocument, path: Path) -> None:
    """Save ``document`` as a PDF at ``path`` (which the person chose)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    _paper_printer(printer)
    document.print_(printer)


def print_with_dialog(
    parent: QWidget | None, document: QTextDocument, title: str = "Print the handover"
) -> bool:
    """Qt's print dialog (which also offers "Print to file"); True if it was printed."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _paper_printer(printer)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(parent.tr(title) if parent else title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    document.print_(printer)
    return True


def offer_paper_copy(parent: QWidget, document: QTextDocument, *, as_pdf: bool) -> bool:
    """Say that paper and PDF are not encrypted, then print or save; True if it was made."""
    if not Prompts.confirm(
        parent,
        parent.tr("A copy outside the encrypted file"),
        parent.tr(PAPER_NOTE),
        parent.tr("Save as PDF") if as_pdf else parent.tr("Print"),
        parent.tr("Cancel"),
    ):
        return False
    if not as_pdf:
        return print_with_dialog(parent, document)
    chosen = Prompts.save_file(parent, parent.tr("Save the handover as a PDF"), "PDF (*.pdf)")
    if not chosen:
        return False
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    write_pdf(document, path)
    return True
