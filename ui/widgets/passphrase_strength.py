"""A live passphrase-strength meter with zxcvbn's advice in plain words.

Why zxcvbn rather than rules ("one digit, one capital"): rules push people to ``Password1!``,
which every cracking tool tries first, while zxcvbn estimates how guessable the passphrase
actually is and recognises that four ordinary words strung together are strong. The meter
only advises: the one hard rule (at least 8 characters) is the core's, and its message is
shown by whichever form submits the passphrase.

Shared by every place a passphrase is chosen (adding a person, a reset, changing my own, the
first-run wizard). zxcvbn runs on the GUI thread on each keystroke, so it only ever sees the
first :data:`MAX_CHECKED` characters: that keeps the worst case well under the 50 ms a frame
may take, and anything longer than that is strong anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget
from zxcvbn import zxcvbn

from ui.theme import set_role
from warmline.passphrase_policy import in_our_words

#: zxcvbn sees at most this many characters (it is slow on long input; see module docs).
MAX_CHECKED = 100
MAX_SCORE = 4


def _score_word(score: int) -> str:
    """The plain word for a zxcvbn score (0-4)."""
    words = (
        QCoreApplication.translate("PassphraseStrength", "Very easy to guess"),
        QCoreApplication.translate("PassphraseStrength", "Easy to guess"),
        QCoreApplication.translate("PassphraseStrength", "Fair"),
        QCoreApplication.translate("PassphraseStrength", "Good"),
        QCoreApplication.translate("PassphraseStrength", "Strong"),
    )
    return words[max(0, min(MAX_SCORE, score))]


def _level(score: int) -> str:
    """The style role suffix for a score; the words always say the same, colour only adds."""
    if score <= 1:
        return "weak"
    if score == 2:
        return "fair"
    return "strong"


class PassphraseStrength(QWidget):
    """Shows how guessable a passphrase is: a meter, a word, and zxcvbn's advice.

    Call :meth:`set_passphrase` on every edit. ``score`` is 0 (very easy to guess) to 4
    (strong); an empty passphrase scores 0. Names the person or the line might use
    (``set_user_inputs``) count as easy to guess.
    """

    score_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphrase-strength")
        self._score = 0
        self._user_inputs: list[str] = []
        self._last_text = ""

        self._meter = QProgressBar()
        self._meter.setObjectName("passphrase-strength-meter")
        self._meter.setAccessibleName(self.tr("Passphrase strength"))
        # One step more than the scores, so even "very easy to guess" shows a sliver: an
        # empty bar would read as "nothing typed yet".
        self._meter.setRange(0, MAX_SCORE + 1)
        self._meter.setValue(0)
        self._meter.setTextVisible(False)
        self._meter.setMaximumHeight(10)

        self._verdict = QLabel()
        self._verdict.setObjectName("passphrase-strength-verdict")
        self._verdict.setWordWrap(True)

        self._advice = QLabel()
        self._advice.setObjectName("passphrase-strength-advice")
        self._advice.setWordWrap(True)
        set_role(self._advice, "hint")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._meter)
        layout.addWidget(self._verdict)
        layout.addWidget(self._advice)
        self._show(0, "", [])

    # -- public API ------------------------------------------------------------------------

    @property
    def score(self) -> int:
        """0 (very easy to guess) to 4 (strong) for the passphrase last set."""
        return self._score

    def set_user_inputs(self, inputs: Sequence[str]) -> None:
        """Words this person's passphrase should not lean on (their name, the line's name)."""
        self._user_inputs = [word for word in inputs if word]
        self.set_passphrase(self._last_text)

    def set_passphrase(self, text: str) -> None:
        """Re-rate ``text`` (only its first :data:`MAX_CHECKED` characters are checked)."""
        self._last_text = text
        if not text:
            self._show(0, "", [])
            return
        checked = text[:MAX_CHECKED]
        result = zxcvbn(checked, user_inputs=self._user_inputs, max_length=MAX_CHECKED)
        feedback = result.get("feedback") or {}
        warning = str(feedback.get("warning") or "")
        suggestions = [str(s) for s in feedback.get("suggestions") or []]
        self._show(int(result["score"]), warning, suggestions, rated=True)

    def clear(self) -> None:
        """Forget the passphrase (the widget keeps no copy after this)."""
        self.set_passphrase("")

    def advice_text(self) -> str:
        """The advice as shown: zxcvbn's warning and suggestions (handy for tests)."""
        return self._advice.text()

    def verdict_text(self) -> str:
        """The one-line verdict as shown, for example "Strength: Fair"."""
        return self._verdict.text()

    # -- internals -------------------------------------------------------------------------

    def _show(
        self, score: int, warning: str, suggestions: list[str], *, rated: bool = False
    ) -> None:
        changed = score != self._score
        self._score = score
        self._meter.setValue(score + 1 if rated else 0)
        set_role(self._meter, f"strength-{_level(score)}" if rated else None)
        if rated:
            word = _score_word(score)
            self._verdict.setText(self.tr("Strength: %1").replace("%1", word))
            self._meter.setAccessibleDescription(word)
        else:
            self._verdict.setText(self.tr("Strength: type a passphrase to see how strong it is."))
            self._meter.setAccessibleDescription("")
        # zxcvbn's own English sentences; translate() lets a translation file cover them too.
        lines = [
            QCoreApplication.translate("zxcvbn", in_our_words(line))
            for line in [warning, *suggestions]
        ]
        self._advice.setText("\n".join(line for line in lines if line))
        self._advice.setVisible(bool(self._advice.text()))
        if changed:
            self.score_changed.emit(score)
