"""What an upload really is decides whether it is kept; its name and claimed type do not."""

import io
import struct
import wave
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.documents import DocumentRejected, clean_filename, inspect_upload

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 1, 1) + b"\x08\x02\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 800)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "claimed", "stored_name", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf", "report.pdf", "application/pdf"),
        ("scan.PDF", PDF, "application/octet-stream", "scan.pdf", "application/pdf"),
        ("drawing.png", PNG, "image/png", "drawing.png", "image/png"),
        ("photo.jpg", PNG, "image/jpeg", "photo.png", "image/png"),  # the content wins over the extension
        (
            "letter.docx",
            docx(),
            "application/zip",
            "letter.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("my voice.wav", wav(), "audio/wav", "my voice.wav", "audio/wav"),
        (
            "notes.txt",
            "Amara likes trains and the colour blue – très bien".encode(),
            "text/plain",
            "notes.txt",
            "text/plain",
        ),
    ],
)
def test_accepted_files_are_named_by_their_content(name, content, claimed, stored_name, content_type):
    inspected = inspect_upload(SimpleUploadedFile(name, content, content_type=claimed), max_bytes=10_000)
    assert (inspected.clean_name, inspected.content_type, inspected.size) == (
        stored_name,
        content_type,
        len(content),
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", EXE),  # a Windows program renamed
        ("report.pdf", ELF),  # a Linux program renamed
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 100),  # a bare zip is not a Word document
        ("image.png", b"\x00\x01\x02\x03" * 50),  # binary junk
    ],
)
def test_disguised_or_unknown_files_are_refused(name, content):
    with pytest.raises(DocumentRejected, match="must be a PDF, Word"):
        inspect_upload(SimpleUploadedFile(name, content, content_type="application/pdf"), max_bytes=10_000)


def test_oversized_files_are_refused_naming_the_limit():
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (3 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(DocumentRejected, match="smaller than 2 MB"):
        inspect_upload(big, max_bytes=2 * 1024 * 1024)


def test_empty_files_are_refused():
    with pytest.raises(DocumentRejected, match="empty"):
        inspect_upload(SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\School report (final).pdf", "School report-final.pdf"),
        ("Zoë's EP report.pdf", "Zoe-s EP report.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),  # the slash makes everything before it a folder
        ("?*:|.pdf", "document.pdf"),
        ("a" * 300 + ".pdf", "a" * 80 + ".pdf"),
    ],
)
def test_file_names_are_cleaned(name, expected):
    assert clean_filename(name, extension="pdf") == expected


SCRIPT = b"#!/bin/sh\nrm -rf ~/\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "fake-report.pdf",
            SCRIPT,
            "The selected file is called fake-report.pdf, but it is not really a PDF: its content is plain text",
        ),
        ("photo.jpg", PDF, "it is not really a JPG picture: its content is a PDF"),
        ("letter.docx", PNG, "it is not really a Word document (.docx): its content is a PNG picture"),
        ("notes.txt", PDF, "it is not really plain text: its content is a PDF"),
        ("run.sh", SCRIPT, "Files ending .sh are not accepted"),
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused_saying_why(name, content, message):
    with pytest.raises(
        DocumentRejected, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")
    ):
        inspect_upload(SimpleUploadedFile(name, content), max_bytes=10_000)


@pytest.mark.parametrize(
    ("name", "content", "stored_name"),
    [
        ("Scan.JPEG", PNG, "Scan.png"),
        ("notes", b"Plain words", "notes.txt"),
        ("Report.PDF", PDF, "Report.pdf"),
    ],
)
def test_a_name_in_other_words_or_without_an_extension_is_kept_by_its_content(name, content, stored_name):
    assert inspect_upload(SimpleUploadedFile(name, content), max_bytes=10_000).clean_name == stored_name
