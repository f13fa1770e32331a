"""A handover on paper or as a PDF: the same words, the not-encrypted note, and a question first."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ui.handover_document import PAPER_NOTE, handover_document, offer_paper_copy, write_pdf
from ui.prompts import Prompts
from warmline.handovers import Acknowledgement, Handover

NAMES = {"a": "Ann", "b": "Ben"}


def a_handover() -> Handover:
    return Handover(
        uuid="h1",
        revision=1,
        author_uuid="a",
        created_at=datetime(2026, 11, 3, 22, 0, tzinfo=UTC),
        how_it_was="A steady evening <b>not bold</b>",
        callers_to_keep_in_mind="Robin: moving towards the walking group",
        summary={"calls": 3, "minutes": 36, "regulars": [], "followups_raised": ["Ring back"]},
    )


def pdf_text(path: Path) -> str:
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    return "\n".join(document.getAllText(p).text() for p in range(document.pageCount()))


def test_the_pdf_holds_the_handover_and_the_note(tmp_path: Path, qtbot: QtBot) -> None:
    ack = Acknowledgement("h1", "b", datetime(2026, 11, 4, 9, 0, tzinfo=UTC), "Got it")
    document = handover_document(a_handover(), NAMES.get, [ack], line_name="Riverside")
    plain = document.toPlainText()
    assert "not locked" in plain and "A steady evening <b>not bold</b>" in plain
    assert "Ben" in plain and "Got it" in plain and "3 calls, 36 minutes" in plain
    out = tmp_path / "handover.pdf"
    write_pdf(document, out)
    assert out.read_bytes().startswith(b"%PDF")
    text = " ".join(pdf_text(out).split())
    assert "Paper and PDF copies are not locked" in text
    assert "A steady evening <b>not bold</b>" in text
    assert "Handover from Ann" in text and "Robin: moving towards the walking group" in text


def test_saving_a_pdf_asks_first_and_adds_the_suffix(
    tmp_path: Path, qtbot: QtBot, prompts: type[Prompts]
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    document = handover_document(a_handover(), NAMES.get)
    prompts.set_next_answers([False])
    assert not offer_paper_copy(parent, document, as_pdf=True)
    assert list(tmp_path.glob("*.pdf")) == []
    prompts.set_next_answers([True, str(tmp_path / "evening")])
    assert offer_paper_copy(parent, document, as_pdf=True)
    assert (tmp_path / "evening.pdf").read_bytes().startswith(b"%PDF")
    assert prompts.asked[0].text == PAPER_NOTE
