"""A notice is its recipient's alone: another user, the office included, can neither see nor mark it, through
the page or the API (404, as for a notice that does not exist), and the public is sent to sign in."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.core.choices import Action
from jixiao.inbox.models import Notice

OTHERS = ("operator_b", "leader", "rater", "auditor", "admin")


@pytest.mark.parametrize("persona", OTHERS)
def test_another_user_cannot_mark_a_notice_read_on_the_page(world: Any, send_notice: Any, client_as: Any,
                                                            persona: str) -> None:
    (notice,) = send_notice(world, "operator_a")
    r = client_as(world, persona).post(f"/app/inbox/{notice.pk}/read/")
    assert r.status_code == 404
    assert Notice.objects.get(pk=notice.pk).read_at is None


@pytest.mark.parametrize("persona", OTHERS)
def test_another_user_cannot_mark_a_notice_read_through_the_api(world: Any, send_notice: Any, client_as: Any,
                                                                persona: str) -> None:
    (notice,) = send_notice(world, "operator_a")
    r = client_as(world, persona).post(f"/api/inbox/{notice.pk}/read")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    assert Notice.objects.get(pk=notice.pk).read_at is None


def test_an_unseen_notice_and_an_absent_one_give_the_same_answer(world: Any, send_notice: Any,
                                                                 client_as: Any) -> None:
    (notice,) = send_notice(world, "operator_a")
    client = client_as(world, "operator_b", lang="en")
    unseen, absent = (client.post(f"/api/inbox/{pk}/read") for pk in (notice.pk, notice.pk + 1000))
    assert (unseen.status_code, unseen.json()) == (absent.status_code, absent.json())


@pytest.mark.parametrize("persona", OTHERS)
def test_nobody_lists_another_users_notices(world: Any, send_notice: Any, client_as: Any, persona: str) -> None:
    send_notice(world, "operator_a", title="只给A的通知")
    client = client_as(world, persona)
    assert "只给A的通知" not in client.get("/app/inbox/").content.decode()
    assert client.get("/api/inbox/").json() == []
    assert not Notice.objects.restrict(world.personas[persona], Action.VIEW).exists()


def test_the_public_is_sent_to_sign_in_and_the_api_refuses_it(world: Any, send_notice: Any,
                                                              client_as: Any) -> None:
    (notice,) = send_notice(world, "operator_a")
    client = client_as(world, "public")
    page = client.get("/app/inbox/")
    assert page.status_code == 302
    assert page["Location"].startswith("/app/login/")
    assert client.post(f"/app/inbox/{notice.pk}/read/").status_code == 302
    assert client.post("/app/inbox/read-all/").status_code == 302
    assert client.get("/api/inbox/").status_code == 401
    assert client.post(f"/api/inbox/{notice.pk}/read").status_code == 401
    assert Notice.objects.get(pk=notice.pk).read_at is None
    assert not Notice.objects.restrict(world.personas["public"], Action.VIEW).exists()


def test_the_back_office_shows_the_office_only_its_own_notices(world: Any, send_notice: Any,
                                                               client_as: Any) -> None:
    send_notice(world, "operator_a", title="只给A的通知")
    send_notice(world, "admin", title="给考核办的通知")
    client = client_as(world, "admin")
    page = client.get("/admin/inbox/notice/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "给考核办的通知" in html
    assert "只给A的通知" not in html
    assert client_as(world, "auditor").get("/admin/inbox/notice/").status_code == 403
