"""The category tree in and out of files: all or nothing, matched by code, never deleted."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.audit.models import AuditEvent
from jixiao.core.errors import ImportRefusedError
from jixiao.hotline.choices import HotlineAction
from jixiao.hotline.models import Category, Ticket
from jixiao.hotline.services.taxonomy import SHIPPED, do_import_taxonomy, export_taxonomy, load_shipped_taxonomy

from .conftest import TREE


def tree() -> list[tuple[str, str, str | None, int, str, str, bool]]:
    return list(Category.objects.order_by("code").values_list("code", "name", "parent__code", "level", "path",
                                                              "keywords", "active"))


def test_the_tree_is_stored_with_levels_and_paths(hotline_world: Any) -> None:
    got = {c[0]: c for c in tree()}
    assert got["010101"][2:5] == ("0101", 3, "市容环境/市容秩序/占道经营")
    assert got["01"][2:5] == (None, 1, "市容环境")
    assert got["010101"][5] == "占道|摆摊|流动摊贩"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_again_is_the_same_tree(hotline_world: Any, fmt: str) -> None:
    before = tree()
    data = export_taxonomy(fmt)
    if fmt == "csv":
        assert data.startswith("\ufeffcode,name,parent,keywords".encode())
    counts = do_import_taxonomy(data, actor=hotline_world.personas["admin"])
    assert (counts["created"], counts["updated"], counts["unchanged"], counts["retired"]) == (0, 0, 7, 0)
    assert tree() == before


def test_a_gbk_file_renames_moves_and_retires_by_code(hotline_world: Any) -> None:
    t = Ticket.objects.create(number="X", received_at="2025-01-01T00:00:00+08:00", updated_at="2025-01-01T00:00Z",
                              category=Category.objects.get(code="010102"))
    text = ("code,name,parent,keywords\n01,市容环境,,\n0101,市容管理,01,\n010101,占道经营,0101,占道\n"
            "02,交通出行,,\n0201,道路设施,02,\n020101,路灯损坏,0201,路灯\n020102,乱贴广告,0201,\n")
    counts = do_import_taxonomy(text.encode("gbk"), actor=hotline_world.personas["admin"])
    # 0101 renamed, 010101 moved with it (and new keywords), 020101 new keywords; 020102 new; 010102 gone.
    assert counts == {"rows": 7, "created": 1, "updated": 3, "unchanged": 3, "retired": 1}
    assert Category.objects.get(code="010101").path == "市容环境/市容管理/占道经营"
    old = Category.objects.get(code="010102")
    assert not old.active
    assert old.path == "市容环境/市容秩序/乱贴广告"
    t.refresh_from_db()
    assert t.category == old
    assert AuditEvent.objects.filter(action=HotlineAction.TAXONOMY).count() == 2


@pytest.mark.parametrize(("line", "where"), [
    ("030101,无上级,0399,", (9, "parent")),
    ("01010101,第四级,010101,", (9, "parent")),
    ("010101,重复,0101,", (9, "code")),
    ("0301,,,", (9, "name")),
])
def test_a_bad_row_is_refused_by_row_and_column_and_nothing_changes(
    hotline_world: Any, line: str, where: tuple[int, str]
) -> None:
    before = tree()
    with pytest.raises(ImportRefusedError) as caught:
        do_import_taxonomy(TREE + line + "\n", actor=hotline_world.personas["admin"])
    assert [p[1:3] for p in caught.value.problems] == [where]
    assert tree() == before


def test_the_shipped_tree_loads(hotline_world: Any) -> None:
    if not SHIPPED.exists():
        pytest.skip("the shipped tree is not on this branch")
    counts = load_shipped_taxonomy()
    assert counts["created"] > 100
    assert Category.objects.filter(active=True, level=3).count() > 100


def test_the_page_lists_the_tree_imports_and_exports(hotline_world: Any) -> None:
    client = hotline_world.client("admin")
    html = client.get("/app/hotline/categories/").content.decode()
    assert "占道经营" in html
    csv = client.get("/app/hotline/categories/taxonomy.csv")
    assert csv.content.startswith(b"\xef\xbb\xbfcode")
    assert client.get("/app/hotline/categories/taxonomy.xlsx").content[:2] == b"PK"
    bad = client.post("/app/hotline/categories/", {"file": SimpleUploadedFile("t.csv", (TREE + "9,,,\n").encode())})
    assert bad.status_code == 422
    assert "t.csv 第 9 行“name”列" in bad.content.decode()
    good = client.post("/app/hotline/categories/", {"file": SimpleUploadedFile("t.csv", csv.content)})
    assert good.status_code == 302
    assert hotline_world.client("operator_a").get("/app/hotline/categories/").status_code == 200
    assert hotline_world.client("operator_a").post("/app/hotline/categories/", {}).status_code == 404
    assert hotline_world.client("rater").get("/app/hotline/categories/").status_code == 404
