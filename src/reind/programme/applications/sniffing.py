"""Does an upload's content match the type it claims? Checked from the bytes, not the name.

HTML bytes named ``quote.pdf`` and sent as ``application/pdf`` were stored as a
PDF; a browser that later sniffs them could run them as a page. The binary
types are recognised by their signatures with ``filetype`` (a small,
dependency-free signature table, ADR 0131); CSV has no signature, so it must
be UTF-8 text with no NUL byte that no signature matches and that does not
open like markup.
"""

from __future__ import annotations

import filetype

CSV = "text/csv"
_MARKUP = (b"<", b"\xef\xbb\xbf<")


def content_matches(media_type: str, content: bytes) -> bool:
    """True when ``content`` is what ``media_type`` says (one of the accepted document types)."""
    if media_type == CSV:
        return _is_plain_text(content)
    return bool(filetype.guess_mime(content) == media_type)


def _is_plain_text(content: bytes) -> bool:
    if b"\x00" in content or filetype.guess(content) is not None:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not content.lstrip().startswith(_MARKUP)
