"""What the core accepts as a new passphrase (or, later, a backup passphrase).

Every account holds the team's key, so the line is only as strong as its weakest
passphrase: the strength meter on screen advises, and this module decides. It uses the same
estimator as the meter (zxcvbn), which judges how guessable a passphrase really is instead
of counting character classes, and it counts the person's own name and the line's name as
easy to guess. A score of 3 means "about a hundred million guesses or more"; with Argon2id
at half a second a guess, that is years of one machine's time.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from warmline.errors import InvalidInput

MIN_PASSPHRASE_LENGTH = 8
MIN_SCORE = 3
#: zxcvbn slows down on very long input; what it sees of a passphrase is capped.
MAX_CHECKED = 100

_ADVICE = (
    "A few unrelated everyday words strung together make a strong one that is easy to "
    "remember: pick your own, not a saying or a song line."
)


def in_our_words(advice: str) -> str:
    """zxcvbn speaks of passwords; Warmline asks for passphrases, and says so throughout."""
    return advice.replace("passwords", "passphrases").replace("password", "passphrase")


def check_new_passphrase(passphrase: str, user_inputs: Iterable[str] = ()) -> None:
    """Refuse a passphrase that is too short or easy to guess, saying why and what works."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InvalidInput(
            f"Please choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters. " + _ADVICE
        )
    words = [w for text in user_inputs if text for w in [text, *text.split()] if len(w) > 1]
    result = zxcvbn(passphrase[:MAX_CHECKED], user_inputs=words, max_length=MAX_CHECKED)
    if int(result["score"]) >= MIN_SCORE:
        return
    feedback = result.get("feedback") or {}
    warning = in_our_words(str(feedback.get("warning") or "").strip())
    why = f" ({warning.rstrip('.')})" if warning else ""
    raise InvalidInput(f"That passphrase would be easy to guess{why}. " + _ADVICE)
