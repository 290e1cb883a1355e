"""Who a new online request goes to, by the council's rule in its request form settings.

Reads only: what this chooses goes into the request's `cases.services.Intake`, and cases writes the case.
"""

from dataclasses import dataclass

from accounts.models import Role, User
from cases import selectors as case_selectors
from cases import services as case_services
from forms_ersa.models import AllocationRule, FormSettings


@dataclass(frozen=True)
class Allocation:
    coordinator: User | None
    also: tuple[tuple[User, str], ...] = ()


def patch_coordinator(*, row: FormSettings, council_id: int, school_id: int | None) -> User | None:
    """The coordinator for a school's patch, if the council has one for it and they can still take cases."""
    if school_id is None:
        return None
    patches = row.school_patches if isinstance(row.school_patches, dict) else {}
    user_id = patches.get(str(school_id), patches.get(school_id))
    if user_id is None or not str(user_id).isdigit():
        return None
    return User.objects.filter(
        pk=int(user_id), role=Role.COORDINATOR, organisation_id=council_id, is_active=True
    ).first()


def allocation_for(*, council_id: int, school_id: int | None) -> Allocation:
    row = FormSettings.objects.filter(council_id=council_id).first()
    coordinator = None
    if row is not None and row.allocation_rule == AllocationRule.SCHOOL_PATCH:
        coordinator = patch_coordinator(row=row, council_id=council_id, school_id=school_id)
    if coordinator is None:
        coordinator = case_selectors.suggested_coordinator(council_id=council_id)
    also: tuple[tuple[User, str], ...] = ()
    if row is not None and row.allocate_ep:
        ep = case_services.lightest_educational_psychologist(council_id=council_id)
        if ep is not None:
            also = ((ep, case_services.TeamRole.SPECIALIST),)
    return Allocation(coordinator=coordinator, also=also)
