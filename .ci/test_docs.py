"""Checks of docs/numbers.py (the keys attached to the numbers the docs quote) and of the docs.

`python .ci/test_docs.py [WORD ...]` (test_grok.py's runner: a test runs if its name contains a WORD,
case-insensitive; ends with "N passed, M failed")."""
import importlib.util
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from test_grok import run  # noqa: E402  (the runner: WORD filters, "N passed, M failed")

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
    assert N.main(["fig9/no/such/key"]) == 2, "a key looked up that is not there: one line, status 2"


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


def test_every_test_the_docs_name_exists():
    import re
    names = set()
    for path in ("test_grok.py", "studies/test_studies.py", *(f".ci/{f}" for f in os.listdir(os.path.join(ROOT, ".ci"))
                                                              if f.startswith("test_") and f.endswith(".py"))):
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            names |= set(re.findall(r"^def (test_\w+)", f.read(), re.M))
    for name in N.DOCS:
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            quoted = set(re.findall(r"`(test_\w+?)\*?`", f.read()))
        missing = [q for q in quoted if not any(n.startswith(q) for n in names)]
        assert not missing, f"{name} names tests that do not exist: {', '.join(sorted(missing))}"


if __name__ == "__main__":
    sys.exit(run(globals(), sys.argv[1:], ".ci/test_docs.py"))
