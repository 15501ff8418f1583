"""Risk rules and money signals, read from a changed function's source text."""

from __future__ import annotations

import ast
import textwrap

import pytest

from bot.engine.risks import find_risks, is_money, matcher_kinds, risk_findings, signals
from bot.models import ChangedFunction, Param
from rules import RuleSet, load_rules


def function_from(
    source: str,
    *,
    path: str = "ledger/fees.py",
    start: int = 1,
    changed: tuple[int, ...] = (),
    method: bool = False,
) -> ChangedFunction:
    """A ChangedFunction for the first def of ``source`` placed at head line ``start``."""
    source = textwrap.dedent(source)
    node = next(
        n
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    )
    a = node.args
    defaults = [None] * (len(a.args) - len(a.defaults)) + [ast.unparse(d) for d in a.defaults]
    params = tuple(
        Param(arg.arg, ast.unparse(arg.annotation) if arg.annotation else None, default)
        for arg, default in zip(a.args, defaults, strict=True)
    )
    if method:
        source = textwrap.indent(source, "    ")
    lines = source.count("\n")
    return ChangedFunction(
        path=path,
        function=node.name,
        start_line=start,
        end_line=start + lines - 1,
        status="modified",
        params=params,
        returns=ast.unparse(node.returns) if node.returns else None,
        changed_lines=changed,
        head_source=source,
        is_method=method,
    )


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def ids(fn: ChangedFunction, rules: RuleSet) -> list[str]:
    return [r.rule_id for r in find_risks(fn, rules)]


def test_every_risk_rule_has_a_registered_matcher(rules: RuleSet) -> None:
    assert {r.match.kind for r in rules.risks} <= matcher_kinds()
    assert matcher_kinds() == {"param", "call", "compare"}


def test_float_money_parameter(rules: RuleSet) -> None:
    fn = function_from(
        """\
        def late_fee(amount: float, days: int, rate: float = 0.1) -> float:
            return amount * rate * days
        """,
        start=10,
    )
    [risk] = find_risks(fn, rules)
    assert (risk.rule_id, risk.line, risk.subject) == ("float-money-param", 10, "amount: float")
    assert risk.severity == "medium" and "`amount: float`" in risk.message
    optional = function_from("def pay(price: Optional[float] = None):\n    return price\n")
    assert ids(optional, rules) == ["float-money-param"]
    assert ids(function_from("def pay(price: Decimal):\n    return price\n"), rules) == []


def test_float_cast_of_money(rules: RuleSet) -> None:
    fn = function_from(
        """\
        def report(total: Decimal, label: str) -> str:
            share = float(total) / 3
            return f"{label}: {float(len(label))} {share}"
        """,
        start=5,
    )
    [risk] = find_risks(fn, rules)
    assert (risk.rule_id, risk.line, risk.subject) == ("float-cast-money", 6, "float(total)")


def test_round_on_money_only_in_money_code(rules: RuleSet) -> None:
    money = function_from("""\
        def fee(amount: Decimal) -> Decimal:
            return round(amount * Decimal('0.029'), 2)
        """)
    assert ids(money, rules) == ["round-on-money"]
    plain = function_from(
        "def mean(xs: list[int]) -> float:\n    return round(sum(xs) / 3, 1)\n",
        path="stats/mean.py",
    )
    assert not is_money(plain, rules) and ids(plain, rules) == []


def test_quantize_without_a_rounding_mode(rules: RuleSet) -> None:
    fn = function_from(
        """\
        def to_cents(amount: Decimal) -> Decimal:
            a = amount.quantize(CENT, rounding=ROUND_HALF_UP)
            b = amount.quantize(CENT, ROUND_HALF_UP)
            return (a + b).quantize(CENT)
        """,
        start=3,
    )
    [risk] = find_risks(fn, rules)
    assert (risk.rule_id, risk.line, risk.subject) == (
        "quantize-without-rounding",
        6,
        "(a + b).quantize(CENT)",
    )


def test_float_equality_in_money_code(rules: RuleSet) -> None:
    fn = function_from("""\
        def is_paid(balance, paid: float) -> bool:
            if balance == 0.0:
                return True
            return paid != float(balance)
        """)
    found = {r.rule_id: r for r in find_risks(fn, rules)}
    assert found.keys() == {"float-equality", "float-cast-money"}
    assert (found["float-equality"].line, found["float-equality"].subject) == (2, "balance == 0.0")
    ints = function_from("def is_paid(balance: int) -> bool:\n    return balance == 0\n")
    assert ids(ints, rules) == []


def test_clock_read_inside_money_logic(rules: RuleSet) -> None:
    fn = function_from("""\
        def accrued_interest(principal: Decimal, rate: Decimal) -> Decimal:
            days = (date.today() - START).days
            return principal * rate * days / 365
        """)
    assert "clock-in-money-logic" in ids(fn, rules)
    other = function_from(
        "def stamp() -> str:\n    return datetime.now().isoformat()\n", path="app/log.py"
    )
    assert ids(other, rules) == []


def test_a_match_on_a_changed_line_is_preferred(rules: RuleSet) -> None:
    source = """\
        def fees(amount: Decimal) -> Decimal:
            a = round(amount, 2)
            b = round(amount * 2, 2)
            return a + b
        """
    assert find_risks(function_from(source, start=20), rules)[0].line == 21
    [risk] = find_risks(function_from(source, start=20, changed=(22,)), rules)
    assert (risk.line, risk.in_changed, risk.subject) == (22, True, "round(amount * 2, 2)")


def test_methods_with_dedented_strings_still_parse(rules: RuleSet) -> None:
    source = '''\
        def charge(self, amount: float) -> str:
            text = """
        multi-line text at column 0
        """
            return text
        '''
    fn = function_from(source, start=40, method=True)
    [risk] = find_risks(fn, rules)
    assert (risk.rule_id, risk.line) == ("float-money-param", 40)


def test_unparsable_source_has_no_risks(rules: RuleSet) -> None:
    fn = ChangedFunction(
        "a.py",
        "f",
        1,
        1,
        "modified",
        params=(Param("amount", "float"),),
        head_source="def f(amount: float:\n",
    )
    assert find_risks(fn, rules) == []


def test_signals_explain_themselves(rules: RuleSet) -> None:
    fn = function_from("""\
        def late_fee(days_late: int) -> Decimal:
            total = DAILY_FEE * (days_late - GRACE_DAYS)
            return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        """)
    reasons = {s.id: s.reason for s in signals(fn, rules)}
    assert reasons["money-words"] == "money word 'fee' in the function name"
    assert reasons["date-words"] == "date word 'late' in the function name"
    assert reasons["decimal"] == "uses Decimal: 'Decimal' in the source"
    assert reasons["rounding"].startswith("rounds numbers: '.quantize('")
    assert reasons["money-path"] == "money module: 'ledger/' in the file path"
    assert is_money(fn, rules)
    camel = function_from("def applyDiscount(basePrice):\n    return basePrice\n", path="a.py")
    assert [s.id for s in signals(camel, rules)] == ["money-words"]
    assert signals(function_from("def parse(line):\n    return line\n", path="a.py"), rules) == []


def test_risk_findings(rules: RuleSet) -> None:
    fn = function_from("def pay(amount: float) -> float:\n    return amount\n", start=7)
    other = function_from(
        "def refund(price: float) -> float:\n    return price\n", path="ledger/refunds.py"
    )
    findings = risk_findings(
        [fn, other], rules, {"ledger/fees.py": [7]}, verified=[("ledger/refunds.py", "refund")]
    )
    [finding] = findings
    assert (finding.kind, finding.verified, finding.line, finding.in_diff) == (
        "risk",
        False,
        7,
        True,
    )
    assert finding.title == "float used for money" and finding.sources == ("rules",)
    moved = function_from("def pay(amount: float) -> float:\n    return amount\n", start=30)
    [again] = risk_findings([moved], rules, {})
    assert again.id == finding.id and again.in_diff is False
