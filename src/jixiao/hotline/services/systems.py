"""Hotline systems (热线系统) allowed to push tickets, and their keys.

A key is shown once, when it is made: only its SHA-256 is kept, and its first characters (``prefix``) name it in
lists and in the audit trail. A withdrawn system's key no longer opens the push API.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.audit.services import record_event
from jixiao.core.choices import Action
from jixiao.core.errors import clean_text, validate
from jixiao.hotline.choices import HotlineAction
from jixiao.hotline.errors import HotlineInputError, HotlineKeyError
from jixiao.hotline.models import SourceSystem

#: Every key starts so, which tells a leaked key for what it is (as GitHub's ``ghp_``).
KEY_START = "jxh_"
PREFIX_LENGTH = 12


def _new_key() -> tuple[str, str, str]:
    """A key, its prefix and its SHA-256; the prefix is unique among systems (drawn again on the rare clash)."""
    while True:
        key = KEY_START + secrets.token_urlsafe(32)
        prefix = key[:PREFIX_LENGTH]
        if not SourceSystem.objects.filter(prefix=prefix).exists():
            return key, prefix, key_hash(key)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def do_register_system(name: str, *, actor: Any) -> tuple[SourceSystem, str]:
    """Register a hotline system; returns it and its key (shown once, never stored). The office only."""
    SourceSystem.objects.check_create(actor)
    name = clean_text("name", name, HotlineInputError)
    with transaction.atomic():
        if SourceSystem.objects.filter(name=name).exists():
            raise HotlineInputError(field=_("name"), problem=_("a hotline system of this name exists"))
        key, prefix, digest = _new_key()
        system = SourceSystem(name=name[:100], prefix=prefix, key_hash=digest, created_at=timezone.now(),
                              created_by=actor if getattr(actor, "is_authenticated", False) else None)
        validate(system)
        system.save()
        record_event(HotlineAction.SYSTEM, actor=actor, obj=system,
                     after={"name": system.name, "prefix": prefix, "active": True})
    return system, key


def _locked(system: SourceSystem, actor: Any) -> SourceSystem:
    obj: SourceSystem = SourceSystem.objects.get_for(actor, Action.CHANGE, pk=system.pk)
    locked: SourceSystem = SourceSystem.objects.select_for_update().get(pk=obj.pk)  # the race: two replacements
    return locked


def do_replace_system_key(system: SourceSystem, *, actor: Any) -> tuple[SourceSystem, str]:
    """Give the system a new key (the old one stops working at once); returns the new key, shown once."""
    with transaction.atomic():
        system = _locked(system, actor)
        before = system.prefix
        key, system.prefix, system.key_hash = _new_key()
        system.save(update_fields=["prefix", "key_hash"])
        record_event(HotlineAction.SYSTEM_KEY, actor=actor, obj=system,
                     before={"prefix": before}, after={"prefix": system.prefix})
    return system, key


def do_withdraw_system(system: SourceSystem, *, actor: Any) -> SourceSystem:
    """Withdraw a system: its key no longer opens the push API (its batches and tickets stay)."""
    with transaction.atomic():
        system = _locked(system, actor)
        if system.active:
            system.active = False
            system.save(update_fields=["active"])
        record_event(HotlineAction.SYSTEM, actor=actor, obj=system,
                     before={"active": True}, after={"name": system.name, "prefix": system.prefix,
                                                     "active": False})
    return system


def system_for_key(key: str | None) -> SourceSystem:
    """The active system whose key this is, or HotlineKeyError (missing, wrong or withdrawn alike). The hash
    is compared in constant time."""
    if not key or not key.startswith(KEY_START):
        raise HotlineKeyError()
    system: SourceSystem | None = SourceSystem.objects.filter(prefix=key[:PREFIX_LENGTH], active=True).first()
    if system is None or not hmac.compare_digest(system.key_hash, key_hash(key)):
        raise HotlineKeyError()
    return system
