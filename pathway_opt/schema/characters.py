"""Characters an id may not hold, named and escaped for messages."""

from __future__ import annotations

import unicodedata

#: Unicode categories refused anywhere in an id: control characters (NUL, tab,
#: line feed), format characters (bidirectional controls such as U+202E,
#: zero-width spaces and joiners), lone surrogates and line / paragraph
#: separators. Spaces other than the plain space (U+0020) are refused too.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

#: Names of the C0 control characters (Python's unicodedata has none for them).
_C0_NAMES = [
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT",
    "END OF TRANSMISSION", "ENQUIRY", "ACKNOWLEDGE", "BELL", "BACKSPACE",
    "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION", "FORM FEED",
    "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE",
    "DEVICE CONTROL ONE", "DEVICE CONTROL TWO", "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE",
    "ESCAPE", "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO", "INFORMATION SEPARATOR ONE",
]  # fmt: skip
_CONTROL_NAMES = dict(enumerate(_C0_NAMES))
_CONTROL_NAMES[0x7F] = "DELETE"


def refused_character(text: str) -> tuple[int, str] | None:
    """The first character an id may not hold, with its 1-based position."""
    for position, char in enumerate(text, start=1):
        category = unicodedata.category(char)
        if category in _REFUSED_CATEGORIES or (category == "Zs" and char != " "):
            return position, char
    return None


def describe_character(char: str) -> str:
    """`U+202E (RIGHT-TO-LEFT OVERRIDE)`: a character named without showing it."""
    if unicodedata.category(char) == "Cs":
        return f"U+{ord(char):04X} (a lone surrogate, not a character)"
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(
        ord(char), "a control character"
    )
    return f"U+{ord(char):04X} ({name})"


def escape_invisible(text: str) -> str:
    r"""`text` with every character an id may not hold written as `\u202e`.

    Messages quote what the user wrote; a bidirectional control or a line
    separator printed as is would scramble the message around it.
    """
    if refused_character(text) is None:
        return text
    return "".join(
        f"\\u{ord(c):04x}" if refused_character(c) is not None else c for c in text
    )
