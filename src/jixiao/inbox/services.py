"""Sending notices, and reading them.

``notify`` is a helper of the other apps' services, not a service of its own: it is called inside their
transaction (e.g. ``do_start_publicity`` tells the units), whose audit event covers it, so it records none.
Its notices commit or roll back with the caller's write, and its e-mails are sent only once that transaction
commits (``transaction.on_commit``): nobody is told of a step that did not happen. A mail server that fails
then is logged and does not undo the step.

Reading is the recipient's own (``do_read_notice``, ``do_read_all_notices``), audited like every write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.accounts.errors import NotSignedInError
from jixiao.accounts.models import User
from jixiao.audit.services import record_event
from jixiao.core.choices import Action
from jixiao.core.roles import Role, role_of
from jixiao.inbox.choices import NoticeAction, NoticeKind
from jixiao.inbox.errors import NoticeLinkError
from jixiao.inbox.models import TITLE_MAX, Notice, is_site_link

#: The roles of a unit's own people, told of what concerns their unit unless a caller narrows them.
UNIT_ROLES: tuple[str, ...] = (Role.OPERATOR, Role.LEADER)

Mail = tuple[str, str, None, list[str]]


def users_of_units(unit_ids: Iterable[int], roles: Iterable[str] = UNIT_ROLES) -> QuerySet[User]:
    """The active users attached to any of the units ``unit_ids`` (``User.units``) with one of ``roles``:
    by default the units' operators and leaders. Only the units named: a leader of a parent unit is not
    included (name the parent too to tell them)."""
    users: QuerySet[User] = User.objects.filter(is_active=True, role__in=list(roles), units__in=list(unit_ids))
    return users.distinct().order_by("pk")


def users_by_unit(unit_ids: Iterable[int], roles: Iterable[str] = UNIT_ROLES) -> dict[int, list[int]]:
    """The ids of the active users of each of the units ``unit_ids`` with one of ``roles`` (one query; a job
    telling many units, each its own notice)."""
    out: dict[int, list[int]] = {}
    rows = User.objects.filter(is_active=True, role__in=list(roles), units__in=list(unit_ids)).values_list(
        "units", "pk").order_by("pk")
    for unit_id, pk in rows:
        out.setdefault(unit_id, []).append(pk)
    return out


def office_users() -> QuerySet[User]:
    """The active assessment-office admins (考核办), superusers included (they act as the office)."""
    users: QuerySet[User] = User.objects.filter(is_active=True)
    return users.filter(Q(role=Role.ADMIN) | Q(is_superuser=True)).order_by("pk")


def _pks(users: Iterable[Any]) -> Any:
    if isinstance(users, QuerySet):
        return users.values("pk")  # a subquery: the users are not loaded twice
    return {u if isinstance(u, int) else u.pk for u in users}


def notify(users: Iterable[Any], *, kind: str, title: str, body: str = "", link: str = "",
           cycle: Any = None) -> int:
    """Send a notice (通知) to each distinct active user of ``users`` (users, their ids, or a queryset of
    them): one ``Notice`` each, and an e-mail to those with an address, sent when the caller's transaction
    commits. Returns how many notices were made.

    Call it inside the transaction of the service whose step it announces; that service's audit event covers
    it. ``link`` is a path of the site (``reverse(...)``), else ``NoticeLinkError``; a title longer than the
    field is shortened rather than refused (a notice never blocks the step it announces)."""
    kind = NoticeKind(kind)
    if not is_site_link(link):
        raise NoticeLinkError(link=link[:100])
    title = " ".join(str(title).split())[:TITLE_MAX]
    body = str(body).strip()
    recipients = list(User.objects.filter(pk__in=_pks(users), is_active=True).order_by("pk"))
    if not recipients:
        return 0
    now = timezone.now()
    Notice.objects.bulk_create(
        [Notice(recipient=u, kind=kind, title=title, body=body, link=link, cycle=cycle, created_at=now)
         for u in recipients])
    text = "\n\n".join(part for part in (body, _("See: %(link)s") % {"link": link} if link else "") if part)
    mails: list[Mail] = [(title, text or title, None, [u.email]) for u in recipients if u.email]
    if mails:
        # Written now, in the caller's language; sent only if the caller's write commits. ``robust``: a mail
        # server that refuses is logged, the committed step stands.
        def send_notices() -> None:
            send_mass_mail(tuple(mails), fail_silently=False)

        transaction.on_commit(send_notices, robust=True)
    return len(recipients)


def unread_count(user: Any) -> int:
    """How many of ``user``'s notices are unread (the navigation shows it on every page)."""
    if role_of(user) == Role.PUBLIC:
        return 0
    return int(Notice.objects.restrict(user, Action.VIEW).filter(read_at__isnull=True).count())


def _person(actor: Any) -> Any:
    """The inbox is a person's: the system and the public read no one's notices."""
    if role_of(actor) == Role.PUBLIC:
        raise NotSignedInError()
    return actor


def do_read_notice(notice: Notice, *, actor: Any) -> Notice:
    """Mark one of the actor's own notices read (已读). Reading a read notice again changes nothing and
    records nothing; another user's notice is not found."""
    _person(actor)
    with transaction.atomic():
        # Two tabs marking the same notice at once: the row lock makes the second find it read.
        notice = Notice.objects.select_for_update().get_for(actor, Action.CHANGE, pk=notice.pk)
        if notice.read_at is not None:
            return notice
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        record_event(NoticeAction.READ, actor=actor, obj=notice, before={"read_at": None},
                     after={"read_at": notice.read_at, "kind": notice.kind})
    return notice


def do_read_all_notices(*, actor: Any) -> int:
    """Mark all the actor's unread notices read (全部标为已读); returns how many. None unread: nothing is
    recorded."""
    _person(actor)
    with transaction.atomic():
        unread = Notice.objects.restrict(actor, Action.CHANGE).filter(read_at__isnull=True).select_for_update()
        ids = list(unread.order_by("pk").values_list("pk", flat=True))
        if not ids:
            return 0
        now = timezone.now()
        Notice.objects.filter(pk__in=ids).update(read_at=now)
        record_event(NoticeAction.READ_ALL, actor=actor, object_type="inbox.notice",
                     object_repr=actor.get_username(), before={"unread": len(ids)},
                     after={"read_at": now, "notices": ids})
    return len(ids)
