"""What the person answered, as labelled rows: for "Check your answers" and the PDF copy."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases import selectors as case_selectors
from forms_ersa import forms as ersa_forms
from forms_ersa import sections, selectors
from forms_ersa.models import RequestDraft


def _display(field, value) -> str:
    if value in (None, "", []):
        return ""
    if isinstance(field, ersa_forms.GovUKDateField):
        parsed = sections.parse_date(value)
        return date_format(parsed, "j E Y") if parsed else str(value)
    if hasattr(field, "choices") and field.choices:
        labels = {str(k): str(v) for k, v in field.choices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if value == "yes" and field.__class__.__name__ == "BooleanField":
        return _("Yes")
    return str(value)


def _professional_rows(draft: RequestDraft) -> list[dict]:
    url = reverse("forms_ersa:professionals", args=[draft.public_id])
    people = selectors.professionals_of(draft)
    if not people:
        return [
            {"label": _("Professionals"), "value": _("No one added"), "change_url": url, "name": "people"}
        ]
    return [
        {
            "label": person.get("name", ""),
            "value": "\n".join(
                v for v in (person.get(k, "") for k in ("role", "service", "email", "phone")) if v
            ),
            "change_url": url,
            "name": "people",
        }
        for person in people
    ]


def rows(draft: RequestDraft) -> list[dict]:
    answers = draft.answers or {}
    out = []
    for section in sections.sections_for(draft.route):
        if section.key == "evidence":
            continue
        if section.key == "professionals":
            out.append({"key": section.key, "title": section.title, "rows": _professional_rows(draft)})
            continue
        section_rows = []
        for page in section.pages:
            form_class = ersa_forms.PAGE_FORMS[(section.key, page.key)]
            form = form_class(route=draft.route, council_id=draft.council_id, answers=answers)
            given = answers.get(section.key) or {}
            url = reverse("forms_ersa:page", args=[draft.public_id, section.key, page.key]) + "?next=check"
            for name, field in form.fields.items():
                section_rows.append(
                    {
                        "label": str(field.label).removesuffix(" (optional)").removesuffix(_(" (optional)")),
                        "value": _display(field, given.get(name)) or _("Not given"),
                        "change_url": url,
                        "name": name,
                    }
                )
        out.append({"key": section.key, "title": section.title, "rows": section_rows})
    return out


def context(draft: RequestDraft) -> dict:
    return {
        "draft": draft,
        "sections": rows(draft),
        "evidence": list(selectors.evidence_of(draft)),
        "route_label": ersa_forms.ROUTE_LABELS.get(draft.route, draft.route),
        "today": case_selectors.today(),
    }
