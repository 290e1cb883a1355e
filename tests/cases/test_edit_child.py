import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def post_data(case, **overrides):
    child = case.child
    data = {
        "legal_first_name": child.legal_first_name,
        "legal_last_name": child.legal_last_name,
        "preferred_name": "",
        "date_of_birth_0": str(child.date_of_birth.day),
        "date_of_birth_1": str(child.date_of_birth.month),
        "date_of_birth_2": str(child.date_of_birth.year),
        "current_setting": child.current_setting_id or "",
        "version": case.version,
    }
    data.update(overrides)
    return data


def test_the_form_is_prefilled_and_saves(login, case, coordinator):
    client = login(coordinator)
    page = client.get(f"/cases/{case.reference}/child/")
    assert page.status_code == 200
    assert f'value="{case.child.legal_last_name}"' in page.content.decode()
    response = client.post(
        f"/cases/{case.reference}/child/", post_data(case, preferred_name="Ama"), follow=True
    )
    assert "The child&#x27;s details have been updated." in response.content.decode()
    case.child.refresh_from_db()
    assert case.child.preferred_name == "Ama"


def test_bad_input_shows_the_error_and_keeps_what_was_typed(login, case, coordinator):
    client = login(coordinator)
    response = client.post(
        f"/cases/{case.reference}/child/",
        post_data(case, legal_first_name="Amarachi", nhs_number="1234567890"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'href="#id_nhs_number"' in html
    assert "Enter a real NHS number" in html
    assert 'value="Amarachi"' in html and 'value="1234567890"' in html


def test_a_concurrent_edit_is_refused_not_overwritten(login, case, coordinator):
    client = login(coordinator)
    stale = post_data(case, preferred_name="First edit")
    client.post(f"/cases/{case.reference}/child/", post_data(case, preferred_name="Other edit"))
    response = client.post(f"/cases/{case.reference}/child/", stale)
    assert response.status_code == 400
    assert "Someone else changed this case" in response.content.decode()
    case.child.refresh_from_db()
    assert case.child.preferred_name == "Other edit"


@pytest.mark.parametrize("who", ["parent", "senco", "other_council_coordinator"])
def test_people_outside_the_council_get_404(login, case, who, parent, senco, other_council):
    users = {
        "parent": parent,
        "senco": senco,
        "other_council_coordinator": factories.staff("coordinator", other_council),
    }
    if who == "parent":
        factories.add_family_member(case, parent)
    assert login(users[who]).get(f"/cases/{case.reference}/child/").status_code == 404
