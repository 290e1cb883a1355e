"""The plan's part of a subject access export about a child, and of a disposal (registered in drafting.apps).

The plans' PDFs are case documents, exported and disposed of with the case."""

from drafting import services
from drafting.models import (
    CommentAnswer,
    FamilyComment,
    IssueRecord,
    NamedPlacement,
    OverrideReason,
    PlacementConsultation,
    Plan,
    PlanSection,
    PlanVersion,
    SignOff,
)
from records.archive import csv_file, history_rows, json_file, rows
from records.contributors import File


def export(child) -> list[File]:
    """Every plan for the child: each version and what each section said, the family's comments and our answers,
    the schools consulted, the placement named, sign-off and what was issued with its funding."""
    on_plan = {"plan__case__child": child}
    on_version = {"plan_version__plan__case__child": child}
    versions = PlanVersion.objects.filter(**on_plan).order_by("plan_id", "number")
    sections = PlanSection.objects.filter(**on_version).order_by("plan_version_id", "code")
    comments = FamilyComment.objects.filter(case__child=child).order_by("created_at", "id")
    return [
        csv_file("plans.csv", rows(Plan.objects.filter(case__child=child).order_by("id"))),
        csv_file("versions.csv", rows(versions)),
        csv_file("versions_history.csv", history_rows(PlanVersion, versions.values_list("pk", flat=True))),
        json_file("sections.json", rows(sections)),
        csv_file("overrides.csv", rows(OverrideReason.objects.filter(**on_version).order_by("id"))),
        csv_file("comments.csv", rows(comments)),
        csv_file("comments_history.csv", history_rows(FamilyComment, comments.values_list("pk", flat=True))),
        csv_file(
            "answers.csv", rows(CommentAnswer.objects.filter(comment__case__child=child).order_by("id"))
        ),
        csv_file("consultations.csv", rows(PlacementConsultation.objects.filter(**on_plan).order_by("id"))),
        csv_file("placements.csv", rows(NamedPlacement.objects.filter(**on_plan).order_by("id"))),
        csv_file("sign_offs.csv", rows(SignOff.objects.filter(**on_version).order_by("id"))),
        csv_file("issue_records.csv", rows(IssueRecord.objects.filter(case__child=child).order_by("id"))),
    ]


def dispose(child, method: str, by) -> list[str]:
    if method != "anonymise":
        return []
    return services.redact_for_disposal(child_id=child.pk)
