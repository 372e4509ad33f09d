"""Names that come from a download: as text every format can hold, and as file names kata writes.

Both mappings are one-to-one, so two students never share a key, a journal
line or a file:

- :func:`student_key`: a file name as the operating system gave it (bytes that
  are not UTF-8 arrive as surrogate escapes) into text. Valid UTF-8 stays as it
  is; every other byte is written ``\\xNN`` and a literal backslash ``\\\\``,
  so ``m\\xfcller`` and ``m\\xffller`` stay two students.
- :func:`path_component`: a student key into one safe file name, the same on
  Linux, macOS and Windows: no separator, no ``.`` or ``..``, no hidden name,
  no control character, no name Windows reserves, at most 200 bytes. Unsafe
  characters are percent-encoded (``%`` itself too), so the mapping is
  one-to-one; :func:`path_components` also keeps apart keys that only a
  case-insensitive file system (macOS, Windows) would confuse.
"""

from __future__ import annotations

import hashlib
import unicodedata

MAX_COMPONENT_BYTES = 200
"""File systems take 255 bytes per name; the rest is left for suffixes such as ``.txt``."""
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_SAFE_PUNCTUATION = set(" -_.,'()+=@~!#&[]{};^$")


def student_key(name: str) -> str:
    """A name from the file system as text: one-to-one, printable in every format.

    >>> student_key("caf\\udce9")  # the Latin-1 byte 0xE9, not UTF-8
    'caf\\\\xe9'
    """
    escaped = name.replace("\\", "\\\\")
    try:
        raw = escaped.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte (Windows names are UTF-16)
        raw = escaped.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")


def display(name: str) -> str:
    """A name from the file system to show (a student's name as the download wrote it): bytes that are
    not UTF-8 become U+FFFD. Not one-to-one: never a key (that is :func:`student_key`)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _has_escapes(name) else name


def _has_escapes(name: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in name)


def _safe_char(char: str) -> bool:
    if char in _SAFE_PUNCTUATION:
        return True
    return unicodedata.category(char)[0] in "LNM"  # letters, digits, combining marks


def path_component(key: str) -> str:
    """``key`` as one file name that cannot leave its folder or hide, the same on every system."""
    text = "".join(ch if _safe_char(ch) and ch not in "%\\" else _percent(ch) for ch in key)
    if not text:
        return "%00"
    if text[0] in ". ":  # '.', '..', hidden files, a leading space
        text = _percent(text[0]) + text[1:]
    if text[-1] in ". ":  # Windows drops a trailing dot or space
        text = text[:-1] + _percent(text[-1])
    if text.split(".")[0].upper() in WINDOWS_RESERVED:
        text = _percent(text[0]) + text[1:]
    if len(text.encode("utf-8")) > MAX_COMPONENT_BYTES:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        text = text.encode("utf-8")[:MAX_COMPONENT_BYTES - 20].decode("utf-8", "ignore") + "%h" + digest
    return text


def path_components(keys) -> dict:
    """``{key: file name}`` for many keys, one-to-one even where the file system folds case or
    normalises Unicode (macOS, Windows): of keys that fold together, each after the first gets a
    suffix (``%k`` and a hash) that percent-encoding never writes."""
    names, seen = {}, {}
    for key in keys:
        name = path_component(key)
        folded = unicodedata.normalize("NFC", name).casefold()
        if folded in seen and seen[folded] != key:
            name += "%k" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        else:
            seen[folded] = key
        names[key] = name
    return names


def _percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
