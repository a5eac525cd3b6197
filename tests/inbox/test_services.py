"""Sending notices (``notify``) and reading them: one notice per distinct active user, mail only once the
caller's transaction commits, and reading one's own notices, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.urls import reverse

from jixiao.accounts.choices import Role
from jixiao.accounts.errors import NotSignedInError
from jixiao.accounts.services import do_create_user
from jixiao.audit.models import AuditEvent
from jixiao.core.errors import NotFoundError
from jixiao.inbox.choices import NoticeKind
from jixiao.inbox.errors import NoticeLinkError
from jixiao.inbox.models import Notice
from jixiao.inbox.services import (
    do_read_all_notices,
    do_read_notice,
    notify,
    office_users,
    unread_count,
    users_of_units,
)

User = get_user_model()


def _addresses(world: Any) -> None:
    User.objects.filter(pk=world.personas["operator_a"].pk).update(email="op-a@example.gov.cn")
    User.objects.filter(pk=world.personas["leader"].pk).update(email="leader-a@example.gov.cn")


def _inactive(username: str, role: str) -> Any:
    user = do_create_user(username, role, actor=None)
    User.objects.filter(pk=user.pk).update(is_active=False)
    return user


def test_it_makes_one_notice_per_distinct_active_user(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    p = world.personas
    gone = _inactive("left", Role.OPERATOR)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        made = notify([p["operator_a"], p["leader"], p["operator_a"], p["leader"].pk, gone],
                      kind=NoticeKind.PUBLICITY, title="2026年度考核：结果公示", body="公示7天。",
                      link="/app/review/2026/appeals/", cycle=world.open)
    assert made == 2
    notices = Notice.objects.order_by("recipient_id")
    assert [n.recipient_id for n in notices] == sorted([p["operator_a"].pk, p["leader"].pk])
    assert {(n.kind, n.title, n.body, n.link, n.cycle_id, n.read_at) for n in notices} == {
        ("publicity", "2026年度考核：结果公示", "公示7天。", "/app/review/2026/appeals/", world.open.pk, None)}


def test_it_takes_a_queryset_of_users(world: Any) -> None:
    with transaction.atomic():
        assert notify(users_of_units([world.unit_a.pk]), kind="appeal", title="申诉待签发") == 2
    assert set(Notice.objects.values_list("recipient__username", flat=True)) == {"op-a", "leader-a"}


def test_nobody_to_tell_makes_nothing(world: Any) -> None:
    with transaction.atomic():
        assert notify([], kind="other", title="无人") == 0
        assert notify(User.objects.none(), kind="other", title="无人") == 0
    assert not Notice.objects.exists()


def test_it_mails_those_with_an_address_once_the_transaction_commits(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _addresses(world)
    p = world.personas
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        notify([p["operator_a"], p["leader"], p["operator_b"]], kind="result", title="最终结果已发布",
               body="请查看。", link="/app/inbox/")
    assert mail.outbox == []  # not before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["leader-a@example.gov.cn", "op-a@example.gov.cn"]
    message = mail.outbox[0]
    assert len(message.to) == 1  # each their own mail: no recipient sees the others
    assert message.subject == "最终结果已发布"
    assert "请查看。" in message.body
    assert "/app/inbox/" in message.body
    assert message.from_email == "kaohe@example.gov.cn"


def test_nothing_is_mailed_or_kept_when_the_callers_transaction_rolls_back(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _addresses(world)

    class StepFailedError(Exception):
        pass

    def failing_step() -> None:
        with transaction.atomic():
            notify([world.personas["operator_a"]], kind="hearing", title="听证通知")
            raise StepFailedError

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(StepFailedError):
        failing_step()
    assert callbacks == []
    assert mail.outbox == []
    assert not Notice.objects.exists()


def test_a_mail_server_that_fails_does_not_undo_the_step(
    world: Any, django_capture_on_commit_callbacks: Any, settings: Any, caplog: Any
) -> None:
    _addresses(world)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify([world.personas["operator_a"]], kind="deadline", title="截止提醒")
    assert Notice.objects.count() == 1
    assert "on_commit" in caplog.text


@pytest.mark.parametrize("link", ["https://example.com/", "//example.com/app/", "javascript:alert(1)", "/a b",
                                  "app/inbox/"])
def test_a_link_to_anything_but_a_page_of_the_site_is_refused(world: Any, link: str) -> None:
    with pytest.raises(NoticeLinkError), transaction.atomic():
        notify([world.personas["operator_a"]], kind="other", title="x", link=link)


def test_a_long_title_is_shortened_not_refused(world: Any) -> None:
    with transaction.atomic():
        notify([world.personas["operator_a"]], kind="other", title="长" * 300 + "\n第二行")
    assert len(Notice.objects.get().title) == 200


def test_an_unknown_kind_is_refused(world: Any) -> None:
    with pytest.raises(ValueError, match="reminder"), transaction.atomic():
        notify([world.personas["operator_a"]], kind="reminder", title="x")


def test_users_of_units_are_their_active_operators_and_leaders_or_the_roles_asked(world: Any) -> None:
    p = world.personas
    assert list(users_of_units([world.unit_a.pk])) == [p["operator_a"], p["leader"]]
    assert list(users_of_units([world.unit_a.pk, world.unit_b.pk], roles=[Role.LEADER])) == [p["leader"]]
    assert list(users_of_units([world.unit_a1.pk])) == []  # the leader of A is attached to A, not to A1
    User.objects.filter(pk=p["operator_a"].pk).update(is_active=False)
    assert list(users_of_units([world.unit_a.pk])) == [p["leader"]]


def test_office_users_are_the_active_admins_and_superusers(world: Any) -> None:
    root = do_create_user("root", Role.OPERATOR, actor=None)
    User.objects.filter(pk=root.pk).update(is_superuser=True)
    _inactive("old-office", Role.ADMIN)
    assert list(office_users()) == [world.personas["admin"], root]


def test_reading_a_notice_marks_it_read_and_is_audited_once(world: Any, send_notice: Any) -> None:
    operator = world.personas["operator_a"]
    (notice,) = send_notice(world, "operator_a")
    assert unread_count(operator) == 1
    read = do_read_notice(notice, actor=operator)
    assert read.read_at is not None
    assert unread_count(operator) == 0
    event = AuditEvent.objects.get(action="notice.read")
    assert (event.actor_id, event.object_id) == (operator.pk, str(notice.pk))
    do_read_notice(notice, actor=operator)  # again: nothing changes, nothing is recorded
    assert AuditEvent.objects.filter(action="notice.read").count() == 1
    assert Notice.objects.get(pk=notice.pk).read_at == read.read_at


def test_nobody_reads_another_users_notice_not_even_the_office(world: Any, send_notice: Any) -> None:
    (notice,) = send_notice(world, "operator_a")
    for persona in ("operator_b", "leader", "admin", "auditor"):
        with pytest.raises(NotFoundError):
            do_read_notice(notice, actor=world.personas[persona])
    with pytest.raises(NotSignedInError):
        do_read_notice(notice, actor=None)
    assert Notice.objects.get(pk=notice.pk).read_at is None


def test_reading_all_marks_only_ones_own_unread_notices(world: Any, send_notice: Any) -> None:
    send_notice(world, "operator_a", "operator_b")
    send_notice(world, "operator_a", title="第二条")
    operator = world.personas["operator_a"]
    assert do_read_all_notices(actor=operator) == 2
    assert unread_count(operator) == 0
    assert unread_count(world.personas["operator_b"]) == 1
    event = AuditEvent.objects.get(action="notice.read_all")
    assert event.after["notices"] == sorted(Notice.objects.filter(recipient=operator).values_list("pk", flat=True))
    assert do_read_all_notices(actor=operator) == 0  # nothing left: nothing recorded
    assert AuditEvent.objects.filter(action="notice.read_all").count() == 1


def test_a_reversed_url_is_a_link_of_the_site(world: Any) -> None:
    """What callers pass as ``link``: ``reverse()`` gives a path of the site."""
    with transaction.atomic():
        notify([world.personas["leader"]], kind="other", title="x", link=reverse("inbox:list"))
    assert Notice.objects.get().link == "/app/inbox/"
