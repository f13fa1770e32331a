"""Per-person, non-secret preferences on this workstation: theme, text size, reflection prompt.

Why QSettings and not the vault: these must be readable before unlock (the unlock screen
should already be in the look the last person chose) and they say nothing about callers.
Nothing a person wrote ever goes here: only choices from fixed lists and a number. Each
person's choices sit in a group keyed by their account UUID (already in clear in the
vault), so several people can share one workstation without sharing a look.

Every screen reads the same values through :class:`Preferences`, so the stored names and
their defaults live in this one module.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QSettings

from ui.theme import TEXT_SCALE_MIN, Theme, clamp_text_scale

GROUP = "people"
LAST_GROUP = "appearance"
_THEME = "theme"
_TEXT_SCALE = "text_scale"
_DEBRIEF = "debrief_default"


class DebriefDefault(StrEnum):
    """Whether to offer a private reflection after each call; values are what is stored.

    ``TEAM`` is a person's own setting only: "as the team chose". The team's setting (sealed
    in the vault, chosen by a coordinator) is the starting value; a person's own choice of
    always, ask or never wins over it.
    """

    TEAM = "team"
    ALWAYS = "always"
    ASK = "ask"
    NEVER = "never"

    @classmethod
    def parse(cls, value: object) -> DebriefDefault:
        """A person's stored choice; TEAM (follow the team) for anything unknown or damaged."""
        try:
            return cls(str(value))
        except ValueError:
            return cls.TEAM

    @classmethod
    def parse_team(cls, value: object) -> DebriefDefault:
        """The team's stored setting; ASK for anything unknown, damaged or TEAM itself."""
        choice = cls.parse(value)
        return cls.ASK if choice is cls.TEAM else choice


def invitation_mode(mine: DebriefDefault, team_value: object) -> DebriefDefault:
    """What happens after a call is saved: the person's own choice, else the team's."""
    return DebriefDefault.parse_team(team_value) if mine is DebriefDefault.TEAM else mine


class Preferences:
    """One person's preferences. ``load()`` reads them, ``save()`` writes them.

    Values are checked on the way in and on the way out, so a hand-edited or damaged
    settings file can never feed a bad value to the theme or the debrief prompt.
    """

    def __init__(self, account_uuid: str, settings: QSettings | None = None) -> None:
        if not account_uuid:
            raise ValueError("preferences belong to an account")
        self.account_uuid = account_uuid
        self._settings = settings
        self._theme = Theme.SYSTEM
        self._text_scale = TEXT_SCALE_MIN
        self._debrief_default = DebriefDefault.TEAM

    # -- typed values ----------------------------------------------------------------------------

    @property
    def theme(self) -> Theme:
        return self._theme

    @theme.setter
    def theme(self, value: Theme | str) -> None:
        self._theme = Theme.parse(value)

    @property
    def text_scale(self) -> int:
        """Text size in percent, 100-200."""
        return self._text_scale

    @text_scale.setter
    def text_scale(self, value: int) -> None:
        self._text_scale = clamp_text_scale(value)

    @property
    def debrief_default(self) -> DebriefDefault:
        return self._debrief_default

    @debrief_default.setter
    def debrief_default(self, value: DebriefDefault | str) -> None:
        self._debrief_default = DebriefDefault.parse(value)

    # -- storage -------------------------------------------------------------------------------

    def load(self) -> Preferences:
        """Read the stored values (defaults for anything missing or damaged); returns self."""
        settings = self._qsettings()
        settings.beginGroup(self._group())
        try:
            self.theme = str(settings.value(_THEME, Theme.SYSTEM.value))
            self.text_scale = clamp_text_scale(settings.value(_TEXT_SCALE, TEXT_SCALE_MIN))
            self.debrief_default = str(settings.value(_DEBRIEF, DebriefDefault.TEAM.value))
        finally:
            settings.endGroup()
        return self

    def save(self) -> None:
        """Write the values, and remember the look as this workstation's last one."""
        settings = self._qsettings()
        settings.beginGroup(self._group())
        try:
            settings.setValue(_THEME, self._theme.value)
            settings.setValue(_TEXT_SCALE, self._text_scale)
            settings.setValue(_DEBRIEF, self._debrief_default.value)
        finally:
            settings.endGroup()
        _store_last_appearance(settings, self._theme, self._text_scale)
        settings.sync()

    def _group(self) -> str:
        return f"{GROUP}/{self.account_uuid}"

    def _qsettings(self) -> QSettings:
        return self._settings if self._settings is not None else QSettings()


def last_appearance(settings: QSettings | None = None) -> tuple[Theme, int]:
    """The theme and text size last chosen on this workstation, for the screens before unlock.

    Only the look is kept here, not whose it was.
    """
    settings = settings if settings is not None else QSettings()
    settings.beginGroup(LAST_GROUP)
    try:
        theme = Theme.parse(settings.value(_THEME, Theme.SYSTEM.value))
        scale = clamp_text_scale(settings.value(_TEXT_SCALE, TEXT_SCALE_MIN))
    finally:
        settings.endGroup()
    return theme, scale


def _store_last_appearance(settings: QSettings, theme: Theme, text_scale: int) -> None:
    settings.beginGroup(LAST_GROUP)
    try:
        settings.setValue(_THEME, theme.value)
        settings.setValue(_TEXT_SCALE, text_scale)
    finally:
        settings.endGroup()
