"""Show a new recovery code once, with ways to keep it: print it, or copy it.

A recovery code wraps a person's keys a second time so that a forgotten passphrase does not
cost them their private reflections. Warmline never stores the code itself (only what it
protects), so this dialog is the one and only time it can be seen. The dialog says that
plainly, and drops its copy of the code when it closes.

Printing leaves copies outside Warmline's control (the print queue, a PDF when printing to
a file), and the dialog says so before and after printing.

Printing goes through :func:`recovery_document` (builds the page: testable without a
printer) and a small print seam (``printer=``; by default :func:`print_with_dialog`, which
opens the platform's print dialog), because a test cannot click a print dialog.
Used by My account and by the first-run wizard.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QShowEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.clipboard import SafeClipboard
from ui.prompts import Prompts
from ui.theme import set_role
from ui.widgets.fit import fit_to_text

#: Prints a document, asking the person where; True if it was sent to a printer.
PrintFn = Callable[[QTextDocument, QWidget | None], bool]


def _tr(text: str) -> str:
    return QCoreApplication.translate("RecoveryDocument", text)


def recovery_document(code: str, person: str, line: str, issued: date) -> QTextDocument:
    """The printable page: line, person, code, date, and how to use the code.

    Plain wording on purpose: the page may be read years later, in a hurry, by someone who
    has forgotten what it is for. Built with text formats rather than HTML, so nothing a
    person typed (their name, the line's name) is ever read as markup.
    """
    document = QTextDocument()
    heading = _tr("Warmline recovery code")
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, heading)
    base = document.defaultFont()
    base_size = base.pointSizeF() if base.pointSizeF() > 0 else 11.0
    cursor = QTextCursor(document)

    def paragraph(
        text: str,
        *,
        scale: float = 1.0,
        bold: bool = False,
        fixed: bool = False,
        first: bool = False,
    ) -> None:
        if not first:
            cursor.insertBlock()
        fmt = QTextCharFormat()
        if fixed:
            fmt.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        fmt.setFontPointSize(base_size * scale)
        fmt.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        cursor.setCharFormat(fmt)
        cursor.insertText(text)

    paragraph(heading, scale=1.8, bold=True, first=True)
    paragraph(_tr("For {person} on {line}").format(person=person, line=line), scale=1.2)
    paragraph(_tr("Made on {date}").format(date=issued.isoformat()))
    paragraph("")
    paragraph(code, scale=2.0, bold=True, fixed=True)
    paragraph("")
    paragraph(_tr("How to use it"), scale=1.3, bold=True)
    paragraph(
        _tr(
            "If you forget your passphrase: on the Warmline unlock screen, choose your name "
            "and then the recovery code option. Type this code (capitals and dashes do not "
            "matter), then choose a new passphrase. The code works once; after that, make a "
            "new one in My account."
        )
    )
    paragraph(_tr("Keep it private"), scale=1.3, bold=True)
    paragraph(
        _tr(
            "Anyone who has this code and this computer can open your account, including "
            "your private reflections. Keep this page somewhere only you can reach, as you "
            "would a house key. Warmline does not keep a copy of the code anywhere. If you "
            "lose this page, remove the code or make a new one in My account."
        )
    )
    return document


def print_with_dialog(document: QTextDocument, parent: QWidget | None) -> bool:
    """Ask where to print (the platform's print dialog) and print; False if cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(QCoreApplication.translate("RecoveryDocument", "Print recovery code"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    document.print_(printer)
    return True


class RecoveryCodeDialog(QDialog):
    """Shows ``code`` once, big and in a fixed-width font, with Print… and Copy.

    ``clipboard``: where Copy puts the code (no Copy button without one). ``issued``: the
    date printed on the page (today if not given). ``printer``: the print seam.
    Object names: ``recovery-code``, ``recovery-print``, ``recovery-copy``,
    ``recovery-close``, ``recovery-status``.
    """

    def showEvent(self, event: QShowEvent) -> None:
        """Fit the window to its text at the current text size (see ui.widgets.fit)."""
        fit_to_text(self)
        super().showEvent(event)

    def __init__(
        self,
        code: str,
        person: str,
        line: str,
        *,
        clipboard: SafeClipboard | None = None,
        issued: date | None = None,
        printer: PrintFn | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recovery-code-dialog")
        self.setWindowTitle(self.tr("Your recovery code"))
        self.setModal(True)
        self._code = code
        self._person = person
        self._line = line
        self._issued = issued or date.today()
        self._clipboard = clipboard
        self._printer: PrintFn = printer or print_with_dialog

        title = QLabel(self.tr("Your recovery code"))
        set_role(title, "title")

        self._code_label = QLabel(code)
        self._code_label.setObjectName("recovery-code")
        self._code_label.setAccessibleName(self.tr("Recovery code"))
        self._code_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self._code_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._code_label.setFont(self._code_font())

        explain = QLabel(
            self.tr(
                "If you ever forget your passphrase, this code lets you choose a new one "
                "without losing your private reflections. It works once."
            )
        )
        explain.setWordWrap(True)

        never_saved = QLabel(
            self.tr(
                "Warmline never saves this code anywhere. Once you close this window it "
                "cannot be shown again, so print it or copy it somewhere private now. "
                "Keep it as you would a house key: anyone with the code and this computer "
                "can open your account."
            )
        )
        never_saved.setObjectName("recovery-never-saved")
        never_saved.setWordWrap(True)
        set_role(never_saved, "subtitle")

        print_note = QLabel(
            self.tr(
                "Printing leaves a copy behind: the print queue holds the page until the "
                "printer is done, and printing to a file makes a PDF with the code in it. "
                "Use a printer you trust, and delete any PDF once you have the paper."
            )
        )
        print_note.setObjectName("recovery-print-note")
        print_note.setWordWrap(True)
        set_role(print_note, "hint")

        self._status = QLabel()
        self._status.setObjectName("recovery-status")
        self._status.setWordWrap(True)
        set_role(self._status, "hint")
        self._status.setVisible(False)

        buttons = QDialogButtonBox()
        self._print = QPushButton(self.tr("&Print…"))
        self._print.setObjectName("recovery-print")
        self._print.setAccessibleName(self.tr("Print the recovery code"))
        buttons.addButton(self._print, QDialogButtonBox.ButtonRole.ActionRole)
        self._print.clicked.connect(self.print_code)
        self._copy: QPushButton | None = None
        if clipboard is not None:
            self._copy = QPushButton(self.tr("&Copy"))
            self._copy.setObjectName("recovery-copy")
            self._copy.setAccessibleName(self.tr("Copy the recovery code"))
            buttons.addButton(self._copy, QDialogButtonBox.ButtonRole.ActionRole)
            self._copy.clicked.connect(self.copy_code)
        self._close = QPushButton(self.tr("I have kept it &safe"))
        self._close.setObjectName("recovery-close")
        self._close.setDefault(True)  # Enter means "kept it", never "print"
        set_role(self._close, "primary")
        buttons.addButton(self._close, QDialogButtonBox.ButtonRole.AcceptRole)
        self._close.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(explain)
        layout.addSpacing(8)
        layout.addWidget(self._code_label)
        layout.addSpacing(8)
        layout.addWidget(never_saved)
        layout.addWidget(print_note)
        layout.addWidget(self._status)
        layout.addWidget(buttons)

        self.setTabOrder(self._code_label, self._print)
        if self._copy is not None:
            self.setTabOrder(self._print, self._copy)
            self.setTabOrder(self._copy, self._close)
        else:
            self.setTabOrder(self._print, self._close)
        self._print.setFocus()

    # -- public API ------------------------------------------------------------------------------

    def code(self) -> str:
        """The code while the dialog is open; empty once it closed."""
        return self._code

    def document(self) -> QTextDocument:
        """The printable page for this code (see :func:`recovery_document`)."""
        return recovery_document(self._code, self._person, self._line, self._issued)

    def print_code(self) -> None:
        """Open the print dialog (through the seam) with the recovery page."""
        if self._printer(self.document(), self):
            self._say(
                self.tr(
                    "Sent to the printer. If you printed to a PDF file, that file holds the "
                    "code too: keep it as safe as the paper, or delete it."
                )
            )

    def copy_code(self) -> None:
        if self._clipboard is None:
            return
        self._clipboard.copy(self._code, sensitive=True)
        self._say(
            self.tr(
                "Copied. Paste it somewhere private, such as a password manager, and not into "
                "a note or an email."
            )
        )

    def reject(self) -> None:
        """Escape or the window's close button: the code would be gone for good, so ask."""
        if self._code and not Prompts.confirm(
            self,
            self.tr("Close without keeping the code?"),
            self.tr(
                "This code cannot be shown again. If you have not printed or copied it, "
                "go back and do that first."
            ),
            self.tr("Close it"),
            self.tr("Go back"),
        ):
            return
        super().reject()

    def done(self, result: int) -> None:
        """Closing drops the dialog's copy of the code: it is never shown again."""
        self._code = ""
        self._code_label.clear()
        super().done(result)

    # -- internals -------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self._status.setText(text)
        self._status.setVisible(True)

    def _code_font(self) -> QFont:
        """Fixed-width (so 0/O and 1/I line up and read clearly) and about 1.6x body size."""
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        base = self.font()
        if base.pointSizeF() > 0:
            font.setPointSizeF(base.pointSizeF() * 1.6)
        else:
            font.setPixelSize(round(base.pixelSize() * 1.6))
        font.setBold(True)
        return font
