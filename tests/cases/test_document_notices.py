"""When someone outside the council adds a document, the person running the case hears about it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from cases import services
from cases.models import CaseDocument, TeamRole
from notifications.models import Channel, Message
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def _upload(case, by, name="EP-advice.pdf"):
    return services.add_document(
        case=case,
        upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"),
        category=CaseDocument.Category.EP_REPORT,
        by=by,
    )


def test_a_specialists_upload_tells_the_coordinator(case, coordinator, council, manager):
    specialist = factories.staff(Role.SPECIALIST, council, full_name="Sonia Specialist")
    services.add_team_member(case=case, role=TeamRole.SPECIALIST, user=specialist, by=manager)

    _upload(case, specialist)

    told = Message.objects.filter(template="case.document_added", recipient=coordinator)
    assert told.filter(channel=Channel.IN_APP).exists(), "the coordinator has no notice in the service"
    notice = told.first()
    assert notice.data["uploader"] == "Sonia Specialist"
    assert notice.data["document"] == "EP-advice.pdf"
    assert notice.link.endswith(f"/cases/{case.reference}/")


def test_with_nobody_allocated_business_support_hears(council, business_support, manager):
    case = factories.make_case(council=council, by=business_support)
    parent = factories.UserFactory(role=Role.PARENT, organisation=None, full_name="Meera Parent")
    factories.add_family_member(case, parent)

    _upload(case, parent, name="letter-from-gp.pdf")

    assert Message.objects.filter(template="case.document_added", recipient=business_support).exists()


def test_council_staff_uploading_tell_nobody(case, coordinator, business_support):
    _upload(case, coordinator)
    _upload(case, business_support)

    assert not Message.objects.filter(template="case.document_added").exists()
