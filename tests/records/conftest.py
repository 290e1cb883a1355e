import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from tests import factories

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def other_manager(council):
    from accounts.models import Role

    return factories.staff(Role.SERVICE_MANAGER, council, full_name="Mo Manager", email="mo@council.example")


@pytest.fixture
def other_council_manager(other_council):
    from accounts.models import Role

    return factories.staff(
        Role.SERVICE_MANAGER, other_council, full_name="Hal Hill", email="hal@hill.example"
    )


@pytest.fixture
def amara_case(council, business_support, coordinator, school, parent):
    """A case with a document, a staff-only note and the family on the team."""
    case = factories.make_case(
        council=council,
        by=business_support,
        coordinator=coordinator,
        school=school,
        first_name="Amara",
        summary="Amara finds it hard to follow spoken instructions.",
    )
    factories.add_family_member(case, parent)
    services.add_document(
        case=case,
        upload=SimpleUploadedFile("amara school report.pdf", PDF_BYTES, content_type="application/pdf"),
        category="school_report",
        by=coordinator,
        visibility="staff",
    )
    return case


def upload(name="report.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
