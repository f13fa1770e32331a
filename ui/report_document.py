"""The printable summary of a report: the line's name, the period, every chart and table.

Built from the same :func:`~warmline.report_export.report_tables` as the page and the CSV,
so small counts are hidden the same way on paper. Like a handover, paper and PDF copies
leave the encrypted file: the first lines say so, and the page asks before making one.
Printing and PDF go through :mod:`ui.handover_document`'s printer set-up.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QWidget

from ui.handover_document import print_with_dialog, write_pdf
from ui.prompts import Prompts
from ui.widgets.report_chart import chart_image
from warmline.report_export import DEFAULT_THRESHOLD, HIDDEN, headline, report_tables
from warmline.reports import ReportFigures

REPORT_PAPER_NOTE = (
    "This report is not locked: anyone who finds it can read it. It holds counts only, with "
    "small numbers hidden, but keep "
    "it somewhere safe and share it only with the people it is meant for."
)


def report_html(
    fig: ReportFigures, line_name: str, threshold: int = DEFAULT_THRESHOLD, *, images: bool = True
) -> str:
    """The whole summary as HTML; chart images are named ``chart:<key>`` resources."""
    parts = [
        f"<h1>{html.escape(line_name)}</h1>",
        f"<h2>Report for {html.escape(fig.period.text())}</h2>",
        f"<p><b>{html.escape(REPORT_PAPER_NOTE)}</b></p>",
        "<p>"
        + html.escape(
            f"Counts from 1 to {threshold - 1} are shown as <{threshold}; a count shown as "
            f"{HIDDEN} was held back so a total cannot give a small one away. No notes, "
            "names, aliases or exact times are in this report, and volunteers' private "
            "reflections are never counted."
        )
        + "</p>",
        "<table cellspacing='0' cellpadding='4' border='1'>",
    ]
    for name, value in headline(fig, threshold):
        parts.append(
            f"<tr><td>{html.escape(name)}</td><td align='right'>{html.escape(value)}</td></tr>"
        )
    parts.append("</table>")
    for table in report_tables(fig, threshold):
        parts.append(f"<h3>{html.escape(table.title)}</h3>")
        parts.append(f"<p>{html.escape(table.reading)}</p>")
        if images:
            parts.append(f"<p><img src='chart:{table.key}' width='600'></p>")
        parts.append("<table cellspacing='0' cellpadding='3' border='1'><tr>")
        for title in [table.row_header, *table.columns]:
            parts.append(f"<th>{html.escape(title)}</th>")
        parts.append("</tr>")
        for label, row in zip(table.row_labels, table.shown, strict=True):
            cells = "".join(f"<td align='right'>{html.escape(v)}</td>" for v in row)
            parts.append(f"<tr><td>{html.escape(label)}</td>{cells}</tr>")
        parts.append("</table>")
    return "".join(parts)


def report_document(
    fig: ReportFigures, line_name: str, threshold: int = DEFAULT_THRESHOLD
) -> QTextDocument:
    """The paper version, charts included as images drawn from the hidden-cell values."""
    document = QTextDocument()
    for table in report_tables(fig, threshold):
        document.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{table.key}"), chart_image(table)
        )
    document.setHtml(report_html(fig, line_name, threshold))
    return document


def offer_report_copy(parent: QWidget, fig: ReportFigures, line_name: str, *, as_pdf: bool) -> bool:
    """Say it is not encrypted, then print or save as PDF; True if it was made."""
    if not Prompts.confirm(
        parent,
        parent.tr("A copy outside the encrypted file"),
        parent.tr(REPORT_PAPER_NOTE),
        parent.tr("Save as PDF") if as_pdf else parent.tr("Print"),
        parent.tr("Cancel"),
    ):
        return False
    if not as_pdf:
        return print_with_dialog(parent, report_document(fig, line_name), "Print the report")
    chosen = Prompts.save_file(
        parent, parent.tr("Save the report as a PDF"), "PDF (*.pdf)", "warmline-report.pdf"
    )
    if not chosen:
        return False
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    write_pdf(report_document(fig, line_name), path)
    return True
