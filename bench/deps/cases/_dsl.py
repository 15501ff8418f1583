"""The two case constructors shared by every per-package case module.

Every case is ONE textual edit (``old`` -> ``new``, ``old`` occurring exactly once in the
base file) inside ONE function of ONE bundle (``sources/<bundle>/``, a single PyPI project
laid out as its source repository; ``path`` is relative to the bundle root, e.g.
``src/croniter/croniter.py``).

``call`` (bugs) is evaluated in the namespace of the changed module, with the package's
top-level name also bound (so ``arrow.get(...)`` works from ``arrow/parser.py``).
When the edited function is private, the call goes through a public entry point.

``gen`` (refactors) is a lambda ``(r, m) -> result`` evaluated with the helpers of
``build.py``; ``r`` is a seeded ``random.Random`` and ``m`` the changed module.
"""

from __future__ import annotations

CASES: list[dict] = []

CATEGORIES = {"money", "date", "other"}


def _add(kind, bundle, path, function, category, operator, change, title, description, old,
         new, **extra):  # fmt: skip
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if old == new:
        raise ValueError(f"{bundle}/{path}:{function}: empty edit")
    CASES.append(dict(kind=kind, bundle=bundle, path=path, function=function,
                      category=category, operator=operator, change=change, title=title,
                      description=description, old=old, new=new, **extra))  # fmt: skip


def bug(bundle, path, function, category, operator, change, title, description, old, new,
        call, awkward=False):  # fmt: skip
    """``awkward``: the changed function takes a callback, a ``re.Match``, a file-like object,
    a parser state or similar argument that is hard to build by hand."""
    _add("bug", bundle, path, function, category, operator, change, title, description, old,
         new, call=call, awkward=awkward)  # fmt: skip


def ref(bundle, path, function, category, operator, change, title, description, old, new,
        gen):  # fmt: skip
    _add("refactor", bundle, path, function, category, operator, change, title, description,
         old, new, gen=gen)  # fmt: skip
