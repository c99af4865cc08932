"""Layout rules of the repository: `python .ci/test_layout.py [WORD ...]` (test_grok.py's runner:
a test runs if its name contains a WORD, case-insensitive; ends with "N passed, M failed")."""
import ast
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from test_grok import run  # noqa: E402

CORE = ("models.py", "manifold.py", "modadd.py", "plots.py", "grok.py")  # the paper
MAX_FUNCTION_LINES = 80  # a function a learner reads in one screen or two
MAX_README_WORDS = 2500


def python_files():
    """Every .py file of the repository (hidden folders, caches and virtual environments left out)."""
    for top, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__" and
                         not os.path.exists(os.path.join(top, d, "pyvenv.cfg")))
        yield from (os.path.relpath(os.path.join(top, f), ROOT) for f in sorted(files) if f.endswith(".py"))


def parse(path):
    with open(os.path.join(ROOT, path)) as f:
        return ast.parse(f.read(), path)


def test_the_core_never_imports_a_study():
    """models, manifold, modadd and plots never import studies/; grok.py, the command line, is the one
    core file that does (it runs the studies' figures too)."""
    for f in CORE:
        tree = parse(f)
        imports = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names} | \
            {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert f == "grok.py" or "studies" not in imports, f"{f} imports studies/: only grok.py may"


def test_no_function_is_over_80_lines():
    long = [f"{f}:{n.lineno} {n.name} ({n.end_lineno - n.lineno + 1} lines)" for f in python_files()
            for n in ast.walk(parse(f)) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"over {MAX_FUNCTION_LINES} lines: " + "; ".join(long)


def test_readme_is_at_most_2500_words():
    with open(os.path.join(ROOT, "README.md")) as f:
        words = len(f.read().split())
    assert words <= MAX_README_WORDS, f"README.md: {words} words, at most {MAX_README_WORDS}"


if __name__ == "__main__":
    sys.exit(run(globals(), sys.argv[1:], ".ci/test_layout.py"))
