"""The ticket classifier: keyword rules, training with cross-validation, the safe model file, the commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from jixiao.engine.classify import (
    KeywordRules,
    LabelError,
    Model,
    ModelError,
    classify,
    cmd_classify,
    cmd_train,
    train,
)
from jixiao.engine.errors import EngineError
from jixiao.hotline.sample import labelled_texts, read_taxonomy

OCCUPY = "市容环境/市容秩序/占道经营"
DANCE = "生态环境/噪声污染/社会生活噪音"
NIGHT = "生态环境/噪声污染/夜间施工噪音"


@pytest.fixture(scope="module")
def rules() -> KeywordRules:
    return KeywordRules({OCCUPY: ["占道", "摆摊", "小摊贩"], DANCE: ["广场舞", "噪音"], NIGHT: ["夜间施工", "噪音"]})


def test_the_category_with_most_keyword_hits_wins(rules: KeywordRules) -> None:
    cats, hits = rules.match(["门口有小摊贩摆摊，还有人跳广场舞", "没有关键词的文字", "", None])
    assert cats == [OCCUPY, None, None, None]
    assert hits == [2, 0, 0, 0]


def test_a_tie_goes_to_the_longest_keyword(rules: KeywordRules) -> None:
    # One hit each: 占道 (2 characters) against 广场舞 (3).
    assert rules.match(["有人占道，有人跳广场舞"]) == ([DANCE], [1])


def test_a_tie_that_remains_is_ambiguous(rules: KeywordRules) -> None:
    # 噪音 belongs to two categories and decides neither; 摆摊 and 占道 against 广场舞 and 夜间施工 would be 2:1:1.
    assert rules.match(["噪音很大"]) == ([None], [1])
    assert rules.match(["摆摊", "夜间施工"]) == ([OCCUPY, NIGHT], [1, 1])
    assert rules.match(["有人摆摊，也有夜间施工"]) == ([NIGHT], [1])  # 4 characters beat 2


def test_rules_from_the_shipped_taxonomy_cover_its_level_3_categories() -> None:
    nodes = read_taxonomy()
    rules = KeywordRules.from_taxonomy(nodes)
    assert len(rules.categories) == sum(1 for n in nodes if n.level == 3)
    assert rules.match(["和平街道幸福里小区门口有流动摊点"])[0] == [OCCUPY]


@pytest.fixture(scope="module")
def small() -> pl.DataFrame:
    # Every category of the 10 busiest level-2 areas in 12,000 synthetic tickets, so neighbours sharing vocabulary
    # stay together; the rarest categories of the Zipf-like popularity have too few examples at a size that keeps
    # the test fast.
    data = labelled_texts(12_000, seed=11).with_columns(
        area=pl.col("category").str.split("/").list.slice(0, 2).list.join("/"))
    areas = data.group_by("area").len().sort("len", "area", descending=True).head(10)["area"]
    data = data.filter(pl.col("area").is_in(areas.implode()))
    keep = data.group_by("category").len().filter(pl.col("len") >= 10)["category"]
    return data.filter(pl.col("category").is_in(keep.implode())).drop("area")


@pytest.fixture(scope="module")
def trained(small: pl.DataFrame) -> tuple[Model, object]:
    return train(small["text"].to_list(), small["category"].to_list(), folds=3, seed=0)


def test_cross_validation_on_synthetic_tickets_is_good_but_not_perfect(trained: tuple[Model, object],
                                                                       small: pl.DataFrame) -> None:
    _, report = trained
    print(report.summary())  # the figure the issue asks to see, with pytest -s
    assert report.n == small.height
    assert report.classes == small["category"].n_unique()
    assert report.folds == 3
    # The generator's texts share keywords between neighbours, ~10 % name none and ~3 % of labels are wrong.
    assert 0.75 < report.accuracy < 0.98
    assert 0.6 < report.macro_f1 < 1.0
    assert sum(c.support for c in report.per_class) == small.height
    assert all(0.0 <= c.f1 <= 1.0 for c in report.per_class)


def test_a_saved_model_loads_and_predicts_the_same(trained: tuple[Model, object], tmp_path: Path) -> None:
    model, _ = trained
    texts = labelled_texts(300, seed=99)["text"].to_list()
    path = tmp_path / "m.npz"
    model.save(path)
    again = Model.load(path)
    a_labels, a_conf = model.predict(texts)
    b_labels, b_conf = again.predict(texts)
    assert a_labels == b_labels
    assert np.array_equal(a_conf, b_conf)
    assert ((a_conf > 0) & (a_conf <= 1)).all()
    with np.load(path, allow_pickle=False) as z:  # plain arrays only
        assert z["coef"].dtype == np.float32
        assert z["vocabulary"].dtype.kind == "U"


def test_a_model_scores_are_probabilities_and_it_classifies_new_tickets(trained: tuple[Model, object]) -> None:
    model, _ = trained
    fresh = labelled_texts(2000, seed=12).filter(pl.col("category").is_in(model.classes))
    p = model.scores(fresh["text"].to_list())
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
    labels, confidence = model.predict(fresh["text"].to_list())
    right = np.array(labels) == fresh["category"].to_numpy()
    assert right.mean() > 0.8
    assert confidence[right].mean() > confidence[~right].mean()  # the confidence means something


def test_a_corrupt_or_foreign_model_file_is_refused(trained: tuple[Model, object], tmp_path: Path) -> None:
    model, _ = trained
    good = tmp_path / "good.npz"
    model.save(good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:2000])
    text = tmp_path / "text.npz"
    text.write_text("not a model", encoding="utf-8")
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, coef=np.zeros((2, 2)))
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, meta=np.array([{"format": "x"}], dtype=object), vocabulary=np.array(["a"]),
             idf=np.ones(1), coef=np.ones((1, 1)), intercept=np.ones(1), classes=np.array(["a", "b"]))
    for bad in (truncated, text, foreign, pickled, tmp_path / "missing.npz"):
        with pytest.raises(ModelError) as err:
            Model.load(bad)
        assert bad.name in str(err.value)
        assert isinstance(err.value, EngineError)
        assert isinstance(err.value, ValueError)


def test_a_model_with_mismatched_arrays_is_refused(trained: tuple[Model, object], tmp_path: Path) -> None:
    model, _ = trained
    path = tmp_path / "m.npz"
    Model(model.vocabulary, model.idf, model.coef, model.intercept, model.classes).save(path)
    with np.load(path, allow_pickle=False) as z:
        arrays = dict(z)
    arrays["idf"] = arrays["idf"][:-1]
    np.savez_compressed(path, **arrays)
    with pytest.raises(ModelError, match="inconsistent shapes"):
        Model.load(path)


def test_training_refuses_one_class_and_single_examples() -> None:
    with pytest.raises(LabelError, match="at least two categories"):
        train(["甲", "乙", "丙"], ["a", "a", "a"])
    with pytest.raises(LabelError, match=r"only one example \('c'\)"):
        train(["甲", "乙", "丙", "丁", "戊"], ["a", "a", "b", "b", "c"])


def test_folds_are_reduced_to_the_smallest_class() -> None:
    texts = ["路灯不亮", "路灯坏了", "路灯不亮了", "暖气不热", "暖气坏了", "暖气不热了", "暖气漏水"]
    labels = ["light"] * 3 + ["heat"] * 4
    model, report = train(texts, labels, folds=5)
    assert report.folds == 3
    assert model.classes == ["heat", "light"]  # two classes: one coefficient row, sigmoid confidence
    assert model.coef.shape[0] == 1
    assert model.predict(["路灯不亮"])[0] == ["light"]


def test_classify_flags_low_confidence_and_empty_texts_for_review(trained: tuple[Model, object]) -> None:
    model, _ = trained
    rules = KeywordRules.from_taxonomy(read_taxonomy())
    heating = "住房保障与物业/物业管理/供暖不热"
    assert heating in model.classes
    texts = ["和平里街道幸福里小区3号楼，暖气不热，室温只有十几度。请相关部门尽快处理。", "", "请问"]
    frame = classify(texts, model=model, rules=rules, threshold=0.6, ids=["a", "b", "c"])
    assert frame.columns == ["id", "category", "confidence", "method", "review"]
    assert frame["category"][0] == heating
    assert frame["review"].to_list()[1:] == [True, True]
    assert frame["category"][1] is None
    everything = classify(texts, model=model, threshold=0.0)
    assert everything["review"].to_list() == [False, True, False]


def test_classify_with_rules_only_uses_the_share_of_hits(rules: KeywordRules) -> None:
    frame = classify(["有人摆摊，小摊贩占道", "有人摆摊，小摊贩很多，还有广场舞", "什么也没有"], rules=rules,
                     threshold=0.7)
    assert frame["category"].to_list() == [OCCUPY, OCCUPY, None]
    assert frame["confidence"].to_list() == pytest.approx([1.0, 2 / 3, 0.0])
    assert frame["review"].to_list() == [False, True, True]


# --- the commands ---------------------------------------------------------------------------------------------

def _write_labelled(path: Path, frame: pl.DataFrame, encoding: str, header: str = "ID,Text,Category") -> None:
    lines = [header] + [f"{i},{t},{c}" for i, t, c in frame.select("id", "text", "category").iter_rows()]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def test_train_and_classify_commands_on_a_gbk_file(small: pl.DataFrame, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    data = small.head(1500)
    data = data.filter(pl.col("category").is_in(
        data.group_by("category").len().filter(pl.col("len") >= 3)["category"].implode()))
    labelled = tmp_path / "labelled.csv"
    _write_labelled(labelled, data, "gbk")
    model = tmp_path / "model.npz"
    assert cmd_train([str(labelled), "--out", str(model), "--folds", "3", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"{data.height:,} tickets" in out
    assert "3-fold cross-validated accuracy" in out

    tickets = tmp_path / "tickets.csv"
    tickets.write_text("id,text\nX1,小区门口有人摆摊占道经营\nX2,暖气不热\n", encoding="utf-8-sig")
    result = tmp_path / "out.csv"
    assert cmd_classify([str(tickets), "--model", str(model), "--out", str(result), "--lang", "en"]) == 0
    assert "tickets/s" in capsys.readouterr().err
    raw = result.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pl.read_csv(result)
    assert table.columns == ["id", "category", "confidence", "review"]
    assert table["id"].to_list() == ["X1", "X2"]
    assert table["category"][0] == OCCUPY

    xlsx = tmp_path / "out.xlsx"
    assert cmd_classify([str(tickets), "--model", str(model), "--out", str(xlsx)]) == 0
    from openpyxl import load_workbook

    ws = load_workbook(xlsx, read_only=True).worksheets[0]
    assert [c.value for c in next(ws.iter_rows())] == ["id", "category", "confidence", "review"]


def test_bad_columns_exit_2_and_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("id,content,category\n1,路灯不亮,a\n2,暖气不热,b\n", encoding="utf-8")
    model = tmp_path / "model.npz"
    assert cmd_train([str(labelled), "--out", str(model), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "labelled.csv, row 1, column text: missing column 'text'" in err
    assert "Nothing was written." in err
    assert not model.exists()

    empty_cell = tmp_path / "empty.csv"
    empty_cell.write_text("id,text,category\n1,路灯不亮,a\n2,,b\n3,暖气,\n", encoding="utf-8")
    assert cmd_train([str(empty_cell), "--out", str(model), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert "empty.csv，第 3 行，列 text: 单元格为空" in err
    assert "empty.csv，第 4 行，列 category: 单元格为空" in err
    assert "未写入任何文件" in err
    assert not model.exists()


def test_a_single_class_file_is_refused_by_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labelled = tmp_path / "one.csv"
    labelled.write_text("id,text,category\n1,路灯不亮,a\n2,路灯坏了,a\n", encoding="utf-8")
    assert cmd_train([str(labelled), "--out", str(tmp_path / "m.npz"), "--lang", "en"]) == 2
    assert "at least two categories" in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()


def test_classify_refuses_a_bad_model_and_bad_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text("id,text\nX1,路灯不亮\n", encoding="utf-8")
    fake = tmp_path / "fake.npz"
    fake.write_bytes(b"PK\x03\x04 not really")
    out = tmp_path / "out.csv"
    assert cmd_classify([str(tickets), "--model", str(fake), "--out", str(out), "--lang", "en"]) == 2
    assert "fake.npz" in capsys.readouterr().err
    assert not out.exists()
    model = tmp_path / "m.npz"
    train(["路灯不亮", "路灯坏了", "暖气不热", "暖气坏了"], ["light", "light", "heat", "heat"], folds=2)[0].save(model)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("id,text\nX1,路灯不亮\nX2\n,暖气不热\n", encoding="utf-8")
    assert cmd_classify([str(ragged), "--model", str(model), "--out", str(out), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "ragged.csv, row 3: has 1 fields where the header has 2" in err
    assert not out.exists()


def test_the_command_runs_in_a_fresh_interpreter_without_django(tmp_path: Path) -> None:
    labelled = tmp_path / "l.csv"
    labelled.write_text("id,text,category\n1,路灯不亮,light\n2,路灯坏了,light\n3,暖气不热,heat\n4,暖气坏了,heat\n",
                        encoding="utf-8")
    code = ("import sys; from jixiao.engine.classify import cmd_train; "
            f"rc = cmd_train([{str(labelled)!r}, '--out', {str(tmp_path / 'm.npz')!r}, '--folds', '2']); "
            "assert 'django' not in sys.modules; sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "4 条工单" in done.stdout or "4 tickets" in done.stdout
    assert (tmp_path / "m.npz").exists()


def test_model_probabilities_are_those_of_the_fitted_classifier(small: pl.DataFrame) -> None:
    # The saved model recomputes vectoriser and classifier by hand; it must give what scikit-learn gave.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier

    from jixiao.engine.classify import ALPHA, VECTORISER

    data = small.head(3000)
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2, dtype=np.float32)
    x = vec.fit_transform(data["text"].to_list())
    clf = SGDClassifier(loss="log_loss", alpha=ALPHA, random_state=0).fit(x, data["category"].to_numpy())
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
    model = Model(vocab, vec.idf_, clf.coef_, clf.intercept_, list(clf.classes_), VECTORISER)
    texts = labelled_texts(200, seed=5)["text"].to_list()
    expected = clf.predict_proba(vec.transform(texts))
    assert np.allclose(model.scores(texts), expected, atol=1e-4)
