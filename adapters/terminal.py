"""Text from a feed or a person made safe for the operator's terminal: no markup, no escapes."""

from __future__ import annotations

import re

from rich.markup import escape as _escape_markup

# Escape sequences (CSI such as clear-screen, OSC such as 8 hyperlinks and window titles, and
# the rest), C0/C1 control characters other than newline and tab, and the bidirectional
# overrides that can make a line read differently from what it holds. Every branch is a
# single greedy run, so stripping is linear in the text.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"          # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, ended by BEL or ST (or left open)
    r"|\x1b[ -/]*[0-~]?"                 # any other escape sequence, or a lone ESC
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"    # C0 (but \t, \n) and C1 controls, DEL
    r"|[\u202a-\u202e\u2066-\u2069]"     # bidirectional embeddings, overrides, isolates
)


def plain(text: object) -> str:
    """The text without control sequences, for Rich Text objects and markup=False prints."""
    return _CONTROL.sub("", str(text))


def escape(text: object) -> str:
    """The text without control sequences and with Rich markup escaped, for interpolating
    into a markup string: a record id "[/]" prints as itself."""
    return _escape_markup(plain(text))
