"""Classifying tickets without a category in the platform: a model trained on the office's labelled tickets (kept
with its cross-validated figures, in a file that cannot run code), the unsure ones to the review queue, a person's
choice final and never overwritten."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from .test_figures import platform_world

AREAS = ("市容环境", "生态环境")  # two level-1 areas keep the test small


@pytest.fixture
def world(db: Any) -> Any:
    from jixiao.hotline.models import Category, Ticket
    from jixiao.hotline.sample import labelled_texts, read_taxonomy

    w = platform_world.build_world()
    nodes = read_taxonomy()
    by_code: dict[str, Any] = {}
    for node in nodes:
        if not node.path.startswith(AREAS):
            continue
        by_code[node.code] = Category.objects.create(code=node.code, name=node.name, level=node.level,
                                                     path=node.path, parent=by_code.get(node.parent or ""),
                                                     keywords="|".join(node.keywords))
    paths = {c.path: c for c in by_code.values()}
    texts = labelled_texts(12000, seed=7).filter(__import__("polars").col("category").is_in(list(paths)))
    start = timezone.make_aware(datetime(2026, 3, 1, 8))
    tickets = []
    for k, row in enumerate(texts.iter_rows(named=True)):
        labelled = k % 5 != 0
        tickets.append(Ticket(number=f"C{k:05}", received_at=start + timedelta(minutes=k), text=row["text"],
                              category=paths[row["category"]] if labelled else None,
                              category_by="file" if labelled else "", unit=w.unit_a, updated_at=start))
    Ticket.objects.bulk_create(tickets)
    w.truth = {f"C{k:05}": row["category"] for k, row in enumerate(texts.iter_rows(named=True))}
    w.paths = paths
    return w


def test_train_classify_review_and_a_persons_choice(world: Any) -> None:
    from jixiao.audit.models import AuditEvent
    from jixiao.hotline.models import Classifier, Ticket
    from jixiao.hotline.services.classify import do_classify_tickets, do_set_ticket_category, do_train_classifier

    admin = world.personas["admin"]
    classifier = do_train_classifier(actor=admin, folds=3)
    assert classifier.tickets == Ticket.objects.exclude(category=None).count()
    assert 0.5 < classifier.macro_f1 < 1.0
    assert 0.5 < classifier.accuracy < 1.0
    assert Path(classifier.file.path).read_bytes()[:2] == b"PK"  # an .npz archive of plain arrays
    counts = do_classify_tickets(actor=admin)
    pending = Ticket.objects.filter(number__in=[n for n in world.truth if int(n[1:]) % 5 == 0])
    assert counts["tickets"] == pending.count() == counts["classified"] + counts["review"]
    done = pending.exclude(category=None)
    right = sum(t.category.path == world.truth[t.number] for t in done.select_related("category"))
    assert right / done.count() > 0.8
    assert set(done.values_list("category_by", flat=True)) <= {"model", "rules"}
    review = pending.filter(needs_review=True).select_related("proposed").first()
    assert review is not None
    assert review.category_id is None
    assert review.confidence is not None
    target = world.paths[world.truth[review.number]]
    do_set_ticket_category(review, target, actor=admin)
    review.refresh_from_db()
    assert (review.category_id, review.category_by, review.needs_review) == (target.pk, "person", False)
    again = do_classify_tickets(actor=admin)
    assert again["tickets"] == 0  # nothing left without a category outside the queue
    review.refresh_from_db()
    assert review.category_id == target.pk
    assert AuditEvent.objects.filter(action="hotline.train").count() == 1
    assert Classifier.objects.count() == 1


def test_the_classifier_is_the_offices(world: Any) -> None:
    from jixiao.core.errors import PermissionDeniedError
    from jixiao.hotline.errors import HotlineInputError
    from jixiao.hotline.models import Ticket
    from jixiao.hotline.services.classify import do_classify_tickets, do_set_ticket_category, do_train_classifier

    with pytest.raises(PermissionDeniedError):
        do_train_classifier(actor=world.personas["auditor"])
    with pytest.raises(PermissionDeniedError):
        do_classify_tickets(actor=world.personas["operator_a"])
    t = Ticket.objects.first()
    with pytest.raises(PermissionDeniedError):
        do_set_ticket_category(t, next(iter(world.paths.values())), actor=world.personas["leader"])
    with pytest.raises(HotlineInputError):
        do_classify_tickets(actor=world.personas["admin"], threshold=1.5)
    Ticket.objects.update(category=None, category_by="")
    with pytest.raises(HotlineInputError):
        do_train_classifier(actor=world.personas["admin"])
