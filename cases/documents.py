"""Checks on an uploaded file before it is stored: what it really is, how big it is, and a safe name.

The browser's content type and the file's extension are both claims; the bytes decide. A renamed program
(report.pdf that is really an .exe) is refused, and the stored name's extension always matches the content.
"""

import os
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

# Sniffed extension -> stored content type. Office formats, PDFs, pictures, and audio for the child's voice.
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "heic": "image/heic",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "txt": "text/plain",
}
FRIENDLY_TYPES = (
    "PDF, Word, OpenDocument, a picture (JPG, PNG, GIF, HEIC), audio (MP3, M4A, WAV) or plain text"
)
SNIFF_BYTES = 8192
# Other names people's devices give the same kinds of file.
ALIASES = {"jpeg": "jpg", "jpe": "jpg", "jfif": "jpg", "heif": "heic", "oga": "ogg", "text": "txt"}
# Kinds close enough that a wrong extension is a device's habit, not a disguise (a PNG saved as .jpg): the
# file is kept under its true extension. Any other mismatch is refused.
FAMILIES = (
    frozenset({"jpg", "png", "gif", "heic", "webp"}),
    frozenset({"mp3", "m4a", "wav", "ogg"}),
    frozenset({"doc", "docx", "odt", "rtf"}),
)
# What a file really is, in the words of the refusal when its name says otherwise.
KIND_NAMES = {
    "pdf": "a PDF",
    "jpg": "a JPG picture",
    "png": "a PNG picture",
    "gif": "a GIF picture",
    "heic": "a HEIC photo",
    "webp": "a WebP picture",
    "docx": "a Word document (.docx)",
    "doc": "an older Word or Office document (.doc)",
    "odt": "an OpenDocument text file",
    "rtf": "a rich text file (.rtf)",
    "xlsx": "an Excel spreadsheet",
    "mp3": "an MP3 recording",
    "m4a": "an M4A recording",
    "wav": "a WAV recording",
    "ogg": "an OGG recording",
    "txt": "plain text",
}


class DocumentRejected(Exception):
    pass


@dataclass(frozen=True)
class InspectedUpload:
    clean_name: str
    content_type: str
    size: int
    extension: str


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the sniff boundary is still text.
        if error.start < len(head) - 4:
            return False
    return True


def sniff(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        # Old Word, Excel and PowerPoint share one container format; filetype calls all of them by one name.
        return kind.extension
    if _looks_like_text(head):
        return "txt"
    return None


def clean_filename(name: str, *, extension: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    stem = os.path.splitext(base)[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9 ._-]+", "-", stem)
    stem = re.sub(r"[-\s.]{2,}", "-", stem).strip(" .-_")[:80] or "document"
    return f"{stem}.{extension}"


def size_label(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:g} KB"
    return f"{round(size / (1024 * 1024), 1):g} MB"


def claimed_extension(name: str) -> str:
    """The extension the file's name claims, lower case with aliases folded ("Scan.JPEG" -> "jpg"); "" if none."""
    extension = os.path.splitext(os.path.basename((name or "").replace("\\", "/")))[1].lstrip(".").lower()
    return ALIASES.get(extension, extension)


def inspect_upload(upload, *, max_bytes: int | None = None) -> InspectedUpload:
    max_bytes = max_bytes or settings.DOCUMENT_MAX_BYTES
    if upload is None:
        raise DocumentRejected(_("Select a file to upload"))
    size = upload.size
    if size == 0:
        raise DocumentRejected(_("The selected file is empty. Choose the file again"))
    if size > max_bytes:
        raise DocumentRejected(
            _("The selected file must be smaller than %(limit)s. Reduce the file size or split it into parts")
            % {"limit": size_label(max_bytes)}
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    extension = sniff(head)
    if extension not in ALLOWED:
        raise DocumentRejected(
            _(
                "The selected file must be a %(types)s. This file's content is not one of these, whatever its name says"
            )
            % {"types": FRIENDLY_TYPES}
        )
    claimed = claimed_extension(upload.name)
    # A name that says one thing and bytes that say another is refused, with both said: a script renamed
    # report.pdf must not become report.txt in the family's evidence without a word to them.
    if claimed and claimed != extension and not any({claimed, extension} <= family for family in FAMILIES):
        if claimed in ALLOWED:
            raise DocumentRejected(
                _(
                    "The selected file is called %(name)s, but it is not really %(claimed)s: its content is "
                    "%(actual)s. Choose the right file, or save it in the format its name says"
                )
                % {
                    "name": os.path.basename(upload.name),
                    "claimed": KIND_NAMES[claimed],
                    "actual": KIND_NAMES[extension],
                }
            )
        raise DocumentRejected(
            _("The selected file must be a %(types)s. Files ending .%(claimed)s are not accepted")
            % {"types": FRIENDLY_TYPES, "claimed": claimed}
        )
    return InspectedUpload(
        clean_name=clean_filename(upload.name, extension=extension),
        content_type=ALLOWED[extension],
        size=size,
        extension=extension,
    )
