"""Declarative rule packs (``rules/*.yml``) and their loader.

``load_rules()`` reads every pack shipped here plus the extra packs a repository names in
``.deepcheck.yml``; the result is one frozen ``RuleSet`` (see docs/rules.md for the format).
"""

from __future__ import annotations

from rules.loader import load_rules, load_rules_reporting
from rules.ruleset import RuleSet

__all__ = ["RuleSet", "load_rules", "load_rules_reporting"]
