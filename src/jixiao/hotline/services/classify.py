"""Categories for tickets the hotline exported without one (offline: no text leaves the machine).

The engine's classifier (``jixiao.engine.classify``): keyword rules over the category tree (Aho-Corasick) and a
model trained on the office's own labelled tickets — the categories the hotline exported and those people set
(corrections become training data). A ticket the classifier is not confident about goes to the review queue
with its proposal; a person's choice is final (later imports and classifications leave it alone).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event
from jixiao.core.choices import Action
from jixiao.hotline.choices import CategoryBy, HotlineAction
from jixiao.hotline.errors import HotlineInputError
from jixiao.hotline.models import Category, Classifier, Ticket
from jixiao.hotline.services.frames import bump

#: Below this confidence a classified ticket goes to the review queue.
THRESHOLD = 0.6
#: The most labelled tickets a model learns from (the newest).
TRAIN_LIMIT = 200_000
BATCH = 20_000


def _engine() -> Any:
    """The engine's classifier, imported when used: scikit-learn takes a second to load, which no page but these
    should pay."""
    from jixiao.engine import classify

    return classify


def keyword_rules() -> Any:
    engine = _engine()
    keywords = {c.path: [k.strip() for k in c.keywords.split("|") if k.strip()]
                for c in Category.objects.filter(active=True).exclude(keywords="")}
    return engine.KeywordRules(keywords)


#: The columns a classification writes, in the order of ``_write_back``'s rows after (id, received_at).
WRITTEN = ("category_id", "category_by", "confidence", "proposed_id", "needs_review", "updated_at")


def _write_back(rows: list[tuple[Any, ...]]) -> None:
    """Write ``(id, received_at, *WRITTEN)`` rows. PostgreSQL: COPY into a temporary table and one UPDATE joined
    on the id and the received time (the partition key, so each month's partition is updated from its own
    rows); an UPDATE per row of a partitioned table, or Django's CASE-per-row ``bulk_update``, costs minutes for
    tens of thousands. Elsewhere: one UPDATE per row, prepared once."""
    if not rows:
        return
    sets = ", ".join(f"{c} = %s" for c in WRITTEN)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            stamp = connection.ops.adapt_datetimefield_value(rows[0][7])
            cursor.executemany(f"UPDATE hotline_ticket SET {sets} WHERE id = %s",
                               [(*r[2:7], stamp, r[0]) for r in rows])
            return
        cursor.execute("CREATE TEMP TABLE hotline_classified (id bigint, received_at timestamptz, "
                       "category_id bigint, category_by varchar(8), confidence double precision, "
                       "proposed_id bigint, needs_review boolean, updated_at timestamptz) ON COMMIT DROP")
        with cursor.cursor.copy("COPY hotline_classified FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        assign = ", ".join(f"{c} = c.{c}" for c in WRITTEN)
        cursor.execute(f"UPDATE hotline_ticket t SET {assign} FROM hotline_classified c "
                       "WHERE t.id = c.id AND t.received_at = c.received_at")


def current_model() -> Any:
    """The newest trained model, or None."""
    engine = _engine()
    latest = Classifier.objects.first()
    if latest is None:
        return None
    return engine.Model.load(Path(latest.file.path))


def do_set_ticket_category(ticket: Ticket, category: Category, *, actor: Any) -> Ticket:
    """A person sets (or confirms) a ticket's category: final, and training data for the next model."""
    with transaction.atomic():
        ticket = Ticket.objects.get_for(actor, Action.CHANGE, pk=ticket.pk)
        if not category.active:
            raise HotlineInputError(field=_("category"), problem=_("“{path}” is no longer in use")
                                    .format(path=category.path))
        before = {"category": ticket.category.path if ticket.category is not None else None,
                  "category_by": ticket.category_by, "confidence": ticket.confidence}
        Ticket.objects.filter(pk=ticket.pk).update(category=category, category_by=CategoryBy.PERSON,
                                                   confidence=None, needs_review=False, updated_at=timezone.now())
        ticket.refresh_from_db()
        record_event(HotlineAction.CATEGORY, actor=actor, obj=ticket, before=before,
                     after={"category": category.path, "category_by": CategoryBy.PERSON})
        bump()
    return ticket


def do_train_classifier(*, actor: Any, folds: int = 5, limit: int = TRAIN_LIMIT) -> Classifier:
    """Train a model on the labelled tickets (categories from exports and people; the newest ``limit``),
    cross-validated, and keep it with its figures. Refused with fewer than two categories of two tickets."""
    Classifier.objects.check_create(actor)
    rows = list(Ticket.objects.filter(category_by__in=[CategoryBy.FILE, CategoryBy.PERSON])
                .exclude(text="").order_by("-received_at").values_list("text", "category__path")[:limit])
    if not rows:
        raise HotlineInputError(field=_("training data"), problem=_("no ticket has a category to learn from"))
    texts, labels = [r[0] for r in rows], [r[1] for r in rows]
    engine = _engine()
    started = time.perf_counter()
    try:
        model, report = engine.train(texts, labels, folds=folds)
    except ValueError as exc:
        raise HotlineInputError(field=_("training data"), problem=str(exc)) from None
    seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        model.save(Path(tmp) / "model.npz")
        data = (Path(tmp) / "model.npz").read_bytes()
    with transaction.atomic():
        classifier = Classifier(tickets=report.n, classes=report.classes, accuracy=report.accuracy,
                                macro_f1=report.macro_f1, seconds=round(seconds, 1),
                                report={s.label: {"precision": round(s.precision, 4), "recall": round(s.recall, 4),
                                                     "f1": round(s.f1, 4), "support": s.support}
                                        for s in report.per_class},
                                created_at=timezone.now(),
                                created_by=actor if getattr(actor, "is_authenticated", False) else None)
        classifier.file.save("model.npz", ContentFile(data), save=False)
        classifier.save()
        record_event(HotlineAction.TRAIN, actor=actor, obj=classifier, after={
            "tickets": classifier.tickets, "categories": classifier.classes, "folds": folds,
            "accuracy": round(classifier.accuracy, 4), "macro_f1": round(classifier.macro_f1, 4)})
    return classifier


def do_classify_tickets(*, actor: Any, threshold: float = THRESHOLD) -> dict[str, int]:
    """Classify every ticket without a category (and not already waiting for a person): the category and
    confidence are kept with where they came from (rules or model); a ticket below ``threshold``, or with no
    answer, goes to the review queue with the classifier's proposal."""
    if not 0 < threshold <= 1:
        raise HotlineInputError(field=_("threshold"), problem=_("a confidence threshold is above 0 and at most 1"))
    with transaction.atomic():
        Ticket.objects.check_create(actor)
        model, rules = current_model(), keyword_rules()
        paths = dict(Category.objects.filter(active=True).values_list("path", "pk"))
        pending = list(Ticket.objects.filter(category=None, needs_review=False)
                       .exclude(category_by=CategoryBy.PERSON).order_by().values_list("pk", "received_at", "text"))
        counts = {"tickets": len(pending), "classified": 0, "review": 0}
        now = timezone.now()
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(pending), BATCH):
            chunk = pending[start:start + BATCH]
            out = _engine().classify([t for _pk, _at, t in chunk], model=model, rules=rules, threshold=threshold)
            cats, conf, how, review = (out["category"].to_list(), out["confidence"].to_list(),
                                       out["method"].to_list(), out["review"].to_list())
            for (pk, received, _text), cat, c, by, flag in zip(chunk, cats, conf, how, review, strict=True):
                category = paths.get(cat) if cat else None
                unsure = bool(flag) or category is None
                rows.append((pk, received, None if unsure else category, "" if unsure else str(by or ""),
                             None if c is None or np.isnan(c) else float(c), category, unsure, now))
        _write_back(rows)
        counts["review"] = sum(1 for r in rows if r[6])
        counts["classified"] = len(rows) - counts["review"]
        record_event(HotlineAction.CLASSIFY, actor=actor, object_type="hotline.ticket", after={
            **counts, "threshold": threshold, "model": str(Classifier.objects.first() or "")})
        bump()
    return counts
