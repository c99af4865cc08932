"""The numbers README.md and docs/results.md quote from the run, checked against docs/summary.json.

Each quoted number carries its summary key in an HTML comment attached without a space (a
rendered page hides it; `wc -w` counts number and key as one word):

    0.54<!--fig5/by_phase/cos_momentum/memorized:.2f-->

The key is a "/"-separated path into the summary (integers index lists; a last part "+" sums a
dict's or a list's values); after the last ":" comes a Python format spec. A list value is
written "a / b / c".

    python docs/numbers.py            check every marked number; list each mismatch, exit 1 if any
    python docs/numbers.py --write    rewrite every marked number from the summary (after a new run)
    python docs/numbers.py KEY ...    look a key path up (a dict lists its keys)
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DOCS = ("README.md", "docs/results.md")
MARKER = re.compile(r"<!--([^\s>]+):([^\s:>]*)-->")
# one number as format() writes it; no sign right after a digit or a marker: "0.46-0.82" ends in "0.82"
NUMBER = r"(?<![\d.])(?<!-->)[-+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:e[-+]\d+)?%?|(?<![\w.])(?:inf|nan)"


def value(summary, key):
    """The value at a key path: "fig8/rows/0/ratio" = summary["fig8"]["rows"][0]["ratio"]."""
    v = summary
    for part in key.split("/"):
        if part == "+":
            return sum(v.values() if isinstance(v, dict) else v)
        v = v[int(part)] if isinstance(v, list) else v[part]
    return v


def formatted(summary, key, spec):
    """The value at key written with the format spec; a list as "a / b / c"."""
    v = value(summary, key)
    return " / ".join(format(x, spec) for x in v) if isinstance(v, list) else format(v, spec)


def written(text, start, end, count):
    """The number (or `count` numbers joined by " / ") that text[start:end] ends with, or None."""
    m = re.compile(rf"(?:{NUMBER})(?: / (?:{NUMBER})){{{count - 1}}}$").search(text, start, end)
    return m and m.group(0)


def scan(text, summary):
    """(line, key, written, wanted, start, end) for each marker; start:end is the written number."""
    out, last = [], 0
    for m in MARKER.finditer(text):
        key, spec, line = m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1
        try:
            want = formatted(summary, key, spec)
        except (KeyError, IndexError, TypeError, ValueError) as e:
            out.append((line, key, written(text, last, m.start(), 1), f"no value ({type(e).__name__})", None, None))
            last = m.end()
            continue
        have = written(text, last, m.start(), want.count(" / ") + 1)
        out.append((line, key, have, want, m.start() - len(have or ""), m.start()))
        last = m.end()
    return out


def mismatches(text, summary):
    """The markers whose number is not the summary's: (line, key, written, wanted)."""
    return [(line, key, have, want) for line, key, have, want, *_ in scan(text, summary) if have != want]


def rewrite(text, summary):
    """text with every marked number written from the summary (numbers with no value kept)."""
    for _, _, have, want, start, end in reversed(scan(text, summary)):
        if start is not None and have is not None:
            text = text[:start] + want + text[end:]
    return text


def main(args):
    with open(os.path.join(HERE, "summary.json"), encoding="utf-8") as f:
        summary = json.load(f)
    if args and args != ["--write"]:
        for key in args:
            try:
                v = value(summary, key)
            except (KeyError, IndexError, ValueError, TypeError):
                print(f"numbers.py: error: {key!r} is not a key path in docs/summary.json", file=sys.stderr)
                return 2
            print(key, "=", f"dict with keys {sorted(v)}" if isinstance(v, dict) else json.dumps(v))
        return 0
    bad, count = [], 0
    for name in DOCS:
        path = os.path.join(ROOT, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        count += len(MARKER.findall(text))
        if args == ["--write"]:
            new = rewrite(text, summary)
            if new != text:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(new)
                print(f"{name}: rewritten")
            text = new
        bad += [f"{name}:{line}: {key}: written {have!r}, summary {want!r}"
                for line, key, have, want in mismatches(text, summary)]
    print("\n".join(bad) if bad else f"OK: {count} marked numbers in {' and '.join(DOCS)} match docs/summary.json")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
