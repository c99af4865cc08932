"""Checks of docs/numbers.py (the keys attached to the numbers the docs quote) and of the docs.

`python .ci/test_docs.py` runs every test_* function and ends with "N passed, M failed"."""
import importlib.util
import json
import os
import sys
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("doc_numbers", os.path.join(ROOT, "docs", "numbers.py"))
N = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(N)
SUMMARY = {"fig8": {"rows": [{"ratio": 1.808}, {"ratio": -0.25}]}, "fig1": {"steps": [19, 14, 12]},
           "meta": {"wall_seconds": {"1": 1.25, "6": 2.25}}}


def test_a_changed_number_is_caught_and_rewritten():
    text = "the ratio is 1.81<!--fig8/rows/0/ratio:.2f--> here,\nand -0.25<!--fig8/rows/1/ratio:.2f--> there"
    assert N.mismatches(text, SUMMARY) == []
    stale = text.replace("1.81<", "1.83<")
    assert N.mismatches(stale, SUMMARY) == [(1, "fig8/rows/0/ratio", "1.83", "1.81")]
    assert N.rewrite(stale, SUMMARY) == text
    assert N.mismatches(text.replace("-0.25<", "0.25<"), SUMMARY) == [(2, "fig8/rows/1/ratio", "0.25", "-0.25")]
    assert N.mismatches("x 11.81<!--fig8/rows/0/ratio:.2f-->", SUMMARY), "a longer number is not the same number"


def test_a_range_ends_with_its_second_number():
    text = "from 0.25-1.81<!--fig8/rows/0/ratio:.2f--> and 1.50<!--x:.2f-->-1.81<!--fig8/rows/0/ratio:.2f-->"
    assert [m for m in N.mismatches(text, SUMMARY) if m[1] != "x"] == []


def test_a_list_value_is_written_a_slash_b_slash_c():
    text = "memorized after 19 / 14 / 12<!--fig1/steps:d--> steps"
    assert N.mismatches(text, SUMMARY) == []
    stale = text.replace("14", "15")
    assert N.mismatches(stale, SUMMARY) == [(1, "fig1/steps", "19 / 15 / 12", "19 / 14 / 12")]
    assert N.rewrite(stale, SUMMARY) == text


def test_a_plus_sums_a_dict():
    assert N.value(SUMMARY, "meta/wall_seconds/+") == 3.5 and N.value(SUMMARY, "fig1/steps/+") == 45
    assert N.mismatches("in all 3.5<!--meta/wall_seconds/+:.1f--> s", SUMMARY) == []


def test_a_missing_key_is_reported_and_left_alone():
    text = "then 1.00<!--fig8/rows/2/ratio:.2f--> and 2<!--fig9/nothing:d-->"
    bad = N.mismatches(text, SUMMARY)
    assert [b[1] for b in bad] == ["fig8/rows/2/ratio", "fig9/nothing"] and all("no value" in b[3] for b in bad)
    assert N.rewrite(text, SUMMARY) == text


def test_the_markers_add_no_words():
    assert len("after 19 / 14 / 12<!--fig1/steps:d--> steps".split()) == len("after 19 / 14 / 12 steps".split())


def test_committed_docs_match_the_committed_summary():
    with open(os.path.join(ROOT, "docs", "summary.json"), encoding="utf-8") as f:
        summary = json.load(f)
    bad, count = [], 0
    for name in N.DOCS:
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            text = f.read()
        count += len(N.MARKER.findall(text))
        bad += [f"{name}:{m}" for m in N.mismatches(text, summary)]
    assert count > 100 and not bad, "\n".join(bad)


def test_readme_is_at_most_2500_words():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        words = len(f.read().split())
    assert words <= 2500, f"README.md has {words} words"


if __name__ == "__main__":
    tests = [(k, v) for k, v in sorted(globals().items()) if k.startswith("test_") and callable(v)]
    failed = 0
    for name, fn in tests:
        try:
            fn()
            print(f"ok    {name}")
        except Exception:
            failed += 1
            print(f"FAIL  {name}\n{traceback.format_exc()}")
    print(f"{len(tests) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
