"""The category tree (诉求分类) in and out of a file: ``code,name,parent,keywords`` (.csv in UTF-8 or GBK, or
.xlsx), three levels, keywords separated by ``|``.

An import is all or nothing and matches categories by code: new codes are created, known ones renamed, moved or
given new keywords (path and level recomputed), and a category no longer in the file is taken out of use
(``active=False``), never deleted: tickets point to it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event
from jixiao.core.errors import ImportRefusedError, Problems
from jixiao.hotline.choices import HotlineAction
from jixiao.hotline.models import Category

COLUMNS = ("code", "name", "parent", "keywords")
#: Chinese headers a file may use instead.
HEADERS = {"编码": "code", "代码": "code", "分类编码": "code", "名称": "name", "分类名称": "name",
           "上级": "parent", "上级编码": "parent", "关键词": "keywords"}
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "taxonomy.csv"


# ---------------------------------------------------------------------------------------------- reading
def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _cells(data: bytes, suffix: str) -> list[list[str]]:
    """The file's rows as text (the header first)."""
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        assert sheet is not None
        return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(_decode(data)))]


def read_taxonomy(source: str | Path | bytes, *, name: str = "taxonomy.csv") -> list[tuple[int, dict[str, str]]]:
    """The file's rows (row number, {code, name, parent, keywords}), or ImportRefusedError for a missing column.
    ``source`` is a path, the file's bytes, or CSV text."""
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and source.endswith(
            (".csv", ".xlsx"))):
        path = Path(source)
        name, data, suffix = path.name, path.read_bytes(), path.suffix.lower()
    else:
        data = source.encode() if isinstance(source, str) else source
        suffix = ".xlsx" if data[:2] == b"PK" else ".csv"
    rows = _cells(data, suffix)
    if not rows:
        raise ImportRefusedError([(name, None, None, _("the file is empty"))])
    header = [HEADERS.get(h.lstrip("\ufeff"), h.lstrip("\ufeff").lower()) for h in rows[0]]
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise ImportRefusedError([(name, 1, c, _("missing column")) for c in missing])
    at = {c: header.index(c) for c in COLUMNS if c in header}
    out = []
    for k, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        out.append((k, {c: (row[i] if i < len(row) else "") for c, i in at.items()} | (
            {} if "keywords" in at else {"keywords": ""})))
    return out


# ---------------------------------------------------------------------------------------------- checking
def _check(rows: list[tuple[int, dict[str, str]]], name: str) -> dict[str, tuple[int, str, str, str, int]]:
    """code -> (row, name, parent, keywords, level), or ImportRefusedError naming each bad row and column."""
    problems = Problems()
    first: dict[str, int] = {}
    for row, r in rows:
        if not r["code"]:
            problems.add((name, row, "code", _("a code is required")))
        elif r["code"] in first:
            problems.add((name, row, "code", _("code {code} is on row {row} already").format(
                code=r["code"], row=first[r["code"]])))
        else:
            first[r["code"]] = row
        if not r["name"]:
            problems.add((name, row, "name", _("a name is required")))
        elif "/" in r["name"]:
            problems.add((name, row, "name", _("a name has no “/” (it separates the levels of a path)")))
    by_code = {r["code"]: r for _row, r in rows if r["code"]}
    levels: dict[str, int] = {}

    def level(code: str, seen: tuple[str, ...] = ()) -> int:
        if code in levels:
            return levels[code]
        parent = by_code[code]["parent"]
        if not parent:
            levels[code] = 1
        elif parent in seen or parent not in by_code:
            levels[code] = 99
        else:
            levels[code] = level(parent, (*seen, code)) + 1
        return levels[code]

    for row, r in rows:
        if not r["code"] or first.get(r["code"]) != row:
            continue
        if r["parent"] and r["parent"] not in by_code:
            problems.add((name, row, "parent", _("no category {code} in the file").format(code=r["parent"])))
        elif level(r["code"]) > 3:
            problems.add((name, row, "parent", _("the tree has three levels; this would be deeper")))
    if problems:
        raise problems.refusal()
    return {code: (first[code], r["name"], r["parent"], _keywords(r["keywords"]), levels[code])
            for code, r in by_code.items()}


def _keywords(text: str) -> str:
    return "|".join(w.strip() for w in text.replace("｜", "|").split("|") if w.strip())


# ---------------------------------------------------------------------------------------------- the service
def do_import_taxonomy(source: str | Path | bytes, *, actor: Any, name: str | None = None) -> dict[str, int]:
    """Import the category tree, all or nothing (see the module); returns the counts created, updated,
    unchanged and retired. One audit event ``hotline.taxonomy``."""
    Category.objects.check_create(actor)
    label = name or (Path(source).name if isinstance(source, Path) else "taxonomy.csv")
    tree = _check(read_taxonomy(source, name=label), label)
    counts = {"rows": len(tree), "created": 0, "updated": 0, "unchanged": 0, "retired": 0}
    with transaction.atomic():
        existing = {c.code: c for c in Category.objects.select_for_update()}  # the race: two imports at once
        # Paths are unique: park the paths of every category first, so that two categories may swap names.
        for cat in existing.values():
            Category.objects.filter(pk=cat.pk).update(path=f"#parked#{cat.pk}")
        paths: dict[str, str] = {}
        for code in sorted(tree, key=lambda c: (tree[c][4], c)):
            _row, cat_name, parent, keywords, level = tree[code]
            paths[code] = f"{paths[parent]}/{cat_name}" if parent else cat_name
            cat = existing.get(code)
            values = {"name": cat_name, "parent": existing[parent] if parent else None, "level": level,
                      "path": paths[code], "keywords": keywords, "active": True}
            if cat is None:
                cat = existing[code] = Category(code=code, **values)
                cat.full_clean(validate_unique=False)
                cat.save()
                counts["created"] += 1
                continue
            parent_id = existing[parent].pk if parent else None
            changed = [f for f, v in values.items() if f not in ("path", "parent") and getattr(cat, f) != v]
            changed += ["parent"] if cat.parent_id != parent_id else []
            changed_path = cat.path != paths[code]  # the instance still holds the path before parking
            for f, v in values.items():
                setattr(cat, f, v)
            cat.save(update_fields=list(values))
            counts["updated" if changed or changed_path else "unchanged"] += 1
        retired = [c for code, c in existing.items() if code not in tree]
        taken = set(paths.values())
        for cat in retired:
            # A retired category keeps its path, unless the file gave that path to another code.
            cat.path = cat.path if cat.path not in taken else f"{cat.path}#{cat.code}"
            counts["retired"] += cat.active
            cat.active = False
            cat.save(update_fields=["path", "active"])
        record_event(HotlineAction.TAXONOMY, actor=actor, object_type="hotline.category", object_repr=label,
                     after=counts)
    return counts


def load_shipped_taxonomy(actor: Any = None) -> dict[str, int]:
    """The shipped tree (``hotline/data/taxonomy.csv``: the common categories of city hotlines)."""
    return do_import_taxonomy(SHIPPED, actor=actor)


def export_taxonomy(fmt: str = "csv") -> bytes:
    """The categories in use as a file of the import's columns: CSV (UTF-8 with a BOM, for Excel) or .xlsx."""
    rows = [list(COLUMNS)] + [
        [c.code, c.name, c.parent.code if c.parent else "", c.keywords]
        for c in Category.objects.filter(active=True).select_related("parent").order_by("code")
    ]
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("taxonomy")
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")
