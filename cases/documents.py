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
    return InspectedUpload(
        clean_name=clean_filename(upload.name, extension=extension),
        content_type=ALLOWED[extension],
        size=size,
        extension=extension,
    )
