"""CLI tests for train / classify / evaluate via click's CliRunner."""
# ruff: noqa: RUF001  (Chinese punctuation is meant)

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from classifiers.cli import classify_command, evaluate_command, train_command
from classifiers.training import DEV_FILE

MOU_TEXT = (
    "Two universities sign memorandum of understanding\n"
    "The universities signed a memorandum of understanding on research cooperation."
)


def test_classify_single_document() -> None:
    result = CliRunner().invoke(classify_command, ["-"], input=MOU_TEXT)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["label"] == "mou"
    assert set(out) == {"label", "labels", "scores", "evidence", "lang", "classified"}
    assert (out["lang"], out["classified"]) == ("en", "ok")


def test_classify_chinese_and_unsupported_languages() -> None:
    """The issue's examples: Chinese releases get their label; a French one gets the marker."""
    mou = "香港科技大學與應用科技研究院簽署合作備忘錄\n雙方今日簽署合作備忘錄，將在人工智能及微電子領域展開研究合作，並成立聯合實驗室。"
    fund = "數碼港宣布推出一億元創新基金\n數碼港今日宣布推出一億元創新基金，以配對形式投資本地初創企業，每間最多一千萬元。"
    french = (
        "L'université signe un accord\nL'université et l'hôpital ont signé un accord de coopération pour la "
        "recherche et la formation des étudiants en médecine."
    )
    outs = [
        json.loads(CliRunner().invoke(classify_command, ["-"], input=text).output)
        for text in (mou, fund, french)
    ]
    assert [(o["label"], o["lang"], o["classified"]) for o in outs] == [
        ("mou", "zh-Hant", "ok"),
        ("fund", "zh-Hant", "ok"),
        ("other", "fr", "unsupported-language"),
    ]
    assert outs[0]["scores"] != outs[1]["scores"]
    assert set(outs[2]["scores"].values()) == {0.0}


def test_classify_jsonl_reports_bad_lines_and_continues() -> None:
    lines = [
        json.dumps(
            {"id": "a", "title": "Start-up raises $20 million Series B", "text": "The round was led by X."}
        ),
        "{not json",
        json.dumps({"id": "c", "title": "No text field"}),
        json.dumps({"id": "d", "title": "City hosts marathon", "text": "The marathon was held on Sunday."}),
    ]
    result = CliRunner().invoke(classify_command, ["--jsonl", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    stdout = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["id"] for r in stdout] == ["a", "d"]
    assert stdout[0]["label"] == "fund"
    assert "line 2" in result.stderr and "line 3" in result.stderr


def test_classify_missing_model_is_clear(tmp_path: Path) -> None:
    result = CliRunner().invoke(classify_command, ["--model", str(tmp_path / "x.npz"), "-"], input=MOU_TEXT)
    assert result.exit_code != 0
    assert "pressroom train" in result.output


def test_evaluate_prints_report() -> None:
    result = CliRunner().invoke(evaluate_command, [str(DEV_FILE)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "confusion" in result.output


def test_train_with_extra_writes_artefact_and_card(tmp_path: Path) -> None:
    extra = tmp_path / "mine.jsonl"
    extra.write_text(
        json.dumps(
            {
                "title": "Port and airport sign cooperation pact",
                "text": "They signed it.",
                "labels": ["mou"],
                "primary": "mou",
            }
        )
        + "\n"
    )
    out = tmp_path / "m" / "classifier.npz"
    result = CliRunner().invoke(train_command, ["--extra", str(extra), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    card = json.loads((out.parent / "model_card.json").read_text())
    assert "mine.jsonl" in card["training_data"]["files"]
    assert "macro-F1" in result.output
    check = CliRunner().invoke(classify_command, ["--model", str(out), "-"], input=MOU_TEXT)
    assert json.loads(check.output)["label"] == "mou"


def test_train_rejects_bad_extra(tmp_path: Path) -> None:
    extra = tmp_path / "bad.jsonl"
    extra.write_text('{"title": "x", "text": "y", "labels": ["mou"], "primary": "merger"}\n')
    result = CliRunner().invoke(train_command, ["--extra", str(extra), "--out", str(tmp_path / "m.npz")])
    assert result.exit_code != 0
    assert "primary" in result.output


def test_classify_jsonl_survives_a_lone_surrogate() -> None:
    """``\\ud800`` is valid JSON but no valid text: the line is classified, the next one too."""
    lines = [
        '{"id": "a", "title": "\\u79d1\\u5927\\u8207\\u91ab\\u9662\\u7c3d\\u7f72\\u5408\\u4f5c\\u5099\\u5fd8\\u9304", '
        '"text": "\\u79d1\\u5927\\u4eca\\u65e5\\u8207\\u91ab\\u9662\\u7c3d\\u7f72\\u5408\\u4f5c\\u5099\\u5fd8\\u9304'
        '\\uff0c\\u96d9\\u65b9\\u5c07\\ud800\\u5408\\u4f5c\\u7814\\u7a76\\u3002"}',
        json.dumps({"id": "b", "title": "City hosts marathon", "text": "The marathon was held on Sunday."}),
    ]
    result = CliRunner().invoke(classify_command, ["--jsonl", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["a", "b"]
