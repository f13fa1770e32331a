"""Icons, the style sheet and the desktop entry, shipped as package data."""
