"""The shipped money invariants, evaluated with plain ``eval`` the way protocol.md promises.

Each invariant is bound to a correct implementation (every invariant that applies to it must
hold on every example) and to a buggy one (the invariant under test must be violated). The
examples are the values the strategies would mix in on purpose (role boundaries, literals and
constants of the changed lines), so the same values the driver tries first.
"""

from __future__ import annotations

import calendar
import datetime as dt
import inspect
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest

from bot.engine.inputs.strategies import args_for
from bot.engine.invariants import BoundInvariant, bound_invariants, invariants_for
from bot.models import ChangedFunction, Param
from rules import RuleSet, load_rules

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Raised:
    type: str


def places(value: Any) -> int:
    if isinstance(value, Decimal):
        return max(0, -int(value.as_tuple().exponent))
    if isinstance(value, int):
        return 0
    raise TypeError("places() of a non-Decimal")


def outcome(fn: Callable[..., Any], args: dict[str, Any]) -> Any:
    try:
        return fn(**args)
    except Exception as exc:
        return Raised(type(exc).__name__)


def evaluate(inv: BoundInvariant, fn: Callable[..., Any], args: dict[str, Any]) -> str:
    """holds | violated | not-applicable, as the driver decides for one example."""
    names = {
        "args": dict(args),
        "result": outcome(fn, args),
        "call": lambda **over: outcome(fn, {**args, **over}),
        "raised": lambda v: isinstance(v, Raised),
        "places": places,
        "Decimal": Decimal,
        "Fraction": Fraction,
        "date": dt.date,
        "timedelta": dt.timedelta,
        "isleap": calendar.isleap,
        "monthrange": calendar.monthrange,
        "abs": abs,
        "sum": sum,
        "min": min,
        "max": max,
        "len": len,
        "all": all,
        "any": any,
        "round": round,
    }
    scope = {"__builtins__": {}, **names}
    try:
        if not eval(inv.when, scope):
            return "not-applicable"
        return "holds" if eval(inv.check, scope) else "violated"
    except Exception:
        return "not-applicable"


def changed(fn: Callable[..., Any], constants: tuple[str, ...] = ()) -> ChangedFunction:
    sig = inspect.signature(fn)
    params = tuple(
        Param(
            p.name,
            str(p.annotation) if p.annotation is not p.empty else None,
            None if p.default is p.empty else repr(p.default),
        )
        for p in sig.parameters.values()
    )
    returns = None if sig.return_annotation is sig.empty else str(sig.return_annotation)
    return ChangedFunction(
        "ledger/m.py",
        fn.__name__,
        1,
        20,
        "modified",
        params=params,
        returns=returns,
        constants=constants,
    )


def decode(item: Any) -> Any:
    if isinstance(item, dict):
        decoders: dict[str, Callable[[str], Any]] = {
            "decimal": Decimal,
            "float": float,
            "date": dt.date.fromisoformat,
        }
        return decoders[item["$"]](item["v"])
    return item


# Weight lists for list parameters: ties, zeros, and shares that are and are not whole cents.
WEIGHTS = [[1, 1], [1, 3], [3, 1], [3, 1, 2], [2, 2, 4], [1, 2, 3, 4], [0, 1], [5]]


def sampled(spec: dict[str, Any]) -> list[Any]:
    if spec["type"] == "lists":
        return [list(w) for w in WEIGHTS]
    if spec["type"] == "sampled_from":
        return [decode(v) for v in spec["values"]]
    if spec["type"] == "one_of":
        return [v for option in spec["options"] for v in sampled(option)]
    return []


def examples(rules: RuleSet, fn: ChangedFunction) -> list[dict[str, Any]]:
    args, why_not = args_for(fn, rules=rules)
    assert not why_not
    pools = {a["name"]: sampled(a["strategy"]) or [0, 1, 2, 3, 7] for a in args}
    return [dict(zip(pools, combo, strict=True)) for combo in itertools.product(*pools.values())]


def verdicts(
    rules: RuleSet, impl: Callable[..., Any], ident: str, constants: tuple[str, ...] = ()
) -> dict[str, int]:
    fn = changed(impl, constants)
    bound = {b.id: b for b in bound_invariants(rules, fn)}
    assert ident in bound, f"{ident} does not apply to {impl.__name__}: {sorted(bound)}"
    counts = {"holds": 0, "violated": 0, "not-applicable": 0}
    for example in examples(rules, fn):
        counts[evaluate(bound[ident], impl, example)] += 1
    return counts


# -- implementations: correct ones, and buggy ones under the same public name -----------------


def named(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def rename(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.__name__ = name
        return fn

    return rename


def allocate(amount: Decimal, parts: int) -> list[Decimal]:
    """Split into cents; the first parts absorb the remainder."""
    if parts <= 0:
        raise ValueError("parts must be positive")
    cents = int(amount / CENT)
    share, rest = divmod(cents, parts)
    return [Decimal(share + (1 if i < rest else 0)) * CENT for i in range(parts)]


@named("allocate")
def allocate_buggy(amount: Decimal, parts: int) -> list[Decimal]:
    if parts <= 0:
        raise ValueError("parts must be positive")
    each = (amount / parts).quantize(CENT, rounding=ROUND_HALF_UP)
    return [each] * parts


def total_with_tax(amount: Decimal, tax_rate: Decimal) -> Decimal:
    return (amount * (1 + tax_rate)).quantize(CENT, rounding=ROUND_HALF_EVEN)


@named("total_with_tax")
def total_with_tax_buggy(amount: Decimal, tax_rate: Decimal) -> Decimal:
    return amount * (1 + tax_rate)


def compound(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    balance = principal
    for _ in range(periods):
        balance += balance * rate
    return balance.quantize(CENT, rounding=ROUND_HALF_EVEN)


@named("compound")
def compound_zero_rate_buggy(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    rate = rate or Decimal("0.05")  # "no rate given" confused with a zero rate
    return compound(principal, rate, periods)


@named("compound")
def compound_zero_periods_buggy(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    return (
        compound(principal, rate, periods + 1)
        if periods == 0
        else compound(principal, rate, periods)
    )


@named("compound")
def compound_time_buggy(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    return compound(principal, rate, periods % 12)  # months within the year, not months


@named("compound")
def compound_skips_a_period(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    balance = principal
    for _ in range(1, periods):  # the bug of `make demo`
        balance += balance * rate
    return balance.quantize(CENT, rounding=ROUND_HALF_EVEN)


@named("compound")
def compound_posted(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    """Rounded half-up after every period, the way a core banking system posts it."""
    if periods < 0:
        raise ValueError("periods must not be negative")
    balance = principal
    for _ in range(periods):
        balance = (balance * (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return balance


def compound_interest(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    """The interest earned, not the balance."""
    return (principal * (1 + rate) ** periods - principal).quantize(CENT, rounding=ROUND_DOWN)


@named("compound_interest")
def compound_interest_buggy(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    grown = principal * (1 + rate) ** (periods + 1)  # counts the opening period too
    return (grown - principal).quantize(CENT, rounding=ROUND_DOWN)


def allocate_by_ratio(total: Decimal, ratios: list[int]) -> list[Decimal]:
    """Largest remainder; ties go to the earlier share."""
    if not ratios or any(r < 0 for r in ratios) or sum(ratios) == 0:
        raise ValueError("bad ratios")
    cents = int(total / CENT)
    raw = [Decimal(cents) * r / sum(ratios) for r in ratios]
    floors = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[: cents - sum(floors)]:
        floors[i] += 1
    return [Decimal(c) * CENT for c in floors]


@named("allocate_by_ratio")
def allocate_by_ratio_buggy(total: Decimal, ratios: list[int]) -> list[Decimal]:
    return allocate_by_ratio(total, sorted(ratios))  # "normalized" the weights' order


def round_money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@named("round_money")
def round_money_buggy(amount: Decimal) -> Decimal:
    return (amount + Decimal("0.005")).quantize(CENT, rounding=ROUND_HALF_UP)  # "round up"


def simple_interest(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    return (principal * rate * periods).quantize(CENT, rounding=ROUND_HALF_EVEN)


@named("simple_interest")
def simple_interest_buggy(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    if rate > 1:
        rate = rate / 100  # "a rate above 1 must be a percentage"
    return (principal * rate * periods).quantize(CENT, rounding=ROUND_HALF_EVEN)


def sales_tax(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@named("sales_tax")
def sales_tax_buggy(amount: Decimal, rate: Decimal) -> Decimal:
    return max(amount * rate, CENT).quantize(CENT, rounding=ROUND_HALF_UP)  # "minimum tax"


def late_fee(days_late: int) -> Decimal:
    if days_late <= 5:
        return Decimal("0.00")
    return (Decimal("1.50") * (days_late - 5)).quantize(CENT, rounding=ROUND_DOWN)


@named("late_fee")
def late_fee_buggy(days_late: int) -> Decimal:
    return (Decimal("1.50") * (days_late - 5)).quantize(CENT, rounding=ROUND_DOWN)


def is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@named("is_leap_year")
def is_leap_year_buggy(year: int) -> bool:
    return year % 4 == 0  # "every fourth year"


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap_year(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@named("days_in_month")
def days_in_month_buggy(year: int, month: int) -> int:
    return 28 if month == 2 else (30 if month in (4, 6, 9, 11) else 31)


def end_of_month(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, days_in_month(d.year, d.month))


@named("end_of_month")
def end_of_month_buggy(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, days_in_month_buggy(d.year, d.month))


def add_months(d: dt.date, months: int) -> dt.date:
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(d.day, days_in_month(year, month)))


@named("add_months")
def add_months_buggy(d: dt.date, months: int) -> dt.date:
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(d.day, 28))  # "every month has 28 days"


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


@named("nth_weekday")
def nth_weekday_buggy(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * n)


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@named("age_on")
def age_on_buggy(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) <= (birth.month, birth.day))


def year_fraction(start: dt.date, end: dt.date, convention: str = "ACT/365") -> Decimal:
    if convention == "ACT/360":
        return Decimal((end - start).days) / 360
    if convention == "ACT/365":
        return Decimal((end - start).days) / 365
    raise ValueError(convention)


@named("year_fraction")
def year_fraction_buggy(start: dt.date, end: dt.date, convention: str = "ACT/365") -> Decimal:
    return Decimal((end - start).days) / (360 if convention == "ACT/365" else 365)


BRACKETS = [(Decimal("1000"), Decimal("0.10")), (None, Decimal("0.20"))]


def income_tax(taxable: Decimal) -> Decimal:
    tax, lower = Decimal("0"), Decimal("0")
    for upper, rate in BRACKETS:
        if upper is None or taxable <= upper:
            return (tax + max(taxable - lower, Decimal(0)) * rate).quantize(CENT)
        tax, lower = tax + (upper - lower) * rate, upper
    return tax.quantize(CENT)


@named("income_tax")
def income_tax_buggy(taxable: Decimal) -> Decimal:
    rate = Decimal("0.10") if taxable <= 1000 else Decimal("0.05")  # "flat rates"
    return (taxable * rate).quantize(CENT)


def social_security(wages_ytd: Decimal, wages: Decimal) -> Decimal:
    base = Decimal("1000")
    return (max(Decimal(0), min(wages, base - wages_ytd)) * Decimal("0.062")).quantize(CENT)


@named("social_security")
def social_security_buggy(wages_ytd: Decimal, wages: Decimal) -> Decimal:
    return (min(wages, Decimal("1000") - wages_ytd) * Decimal("0.062")).quantize(CENT)


CASES = [
    ("allocation-conserves-total", allocate, allocate_buggy, ()),
    ("money-rounded-to-cents", total_with_tax, total_with_tax_buggy, ()),
    ("zero-rate-identity", compound, compound_zero_rate_buggy, ()),
    ("zero-periods-identity", compound, compound_zero_periods_buggy, ()),
    ("zero-amount-zero-result", sales_tax, sales_tax_buggy, ()),
    ("non-negative-charges", late_fee, late_fee_buggy, ("5",)),
    ("interest-monotonic-in-rate", simple_interest, simple_interest_buggy, ("1",)),
    ("interest-monotonic-in-time", compound, compound_time_buggy, ("12",)),
    ("compound-one-period", compound, compound_skips_a_period, ()),
    ("compound-one-period", compound_posted, compound_skips_a_period, ()),
    ("compound-one-period", compound_interest, compound_interest_buggy, ()),
    ("compound-strictly-grows", compound, compound_skips_a_period, ()),
    ("compound-strictly-grows", compound_posted, compound_skips_a_period, ()),
    ("compound-zero-periods-principal", compound, compound_zero_periods_buggy, ()),
    ("allocation-order-invariant", allocate_by_ratio, allocate_by_ratio_buggy, ()),
    ("rounding-idempotent", round_money, round_money_buggy, ()),
    ("leap-year-oracle", is_leap_year, is_leap_year_buggy, ()),
    ("days-in-month-oracle", days_in_month, days_in_month_buggy, ()),
    ("end-of-month-oracle", end_of_month, end_of_month_buggy, ()),
    ("add-months-calendar", add_months, add_months_buggy, ()),
    ("nth-weekday-in-nth-week", nth_weekday, nth_weekday_buggy, ()),
    ("age-on-anniversary", age_on, age_on_buggy, ()),
    ("day-count-actual", year_fraction, year_fraction_buggy, ("'ACT/360'",)),
    ("tax-non-decreasing", income_tax, income_tax_buggy, ("1000",)),
    ("payroll-tax-non-negative", social_security, social_security_buggy, ("1000",)),
]
CORRECT = [
    allocate,
    total_with_tax,
    compound,
    compound_posted,
    compound_interest,
    simple_interest,
    sales_tax,
    late_fee,
    allocate_by_ratio,
    round_money,
    is_leap_year,
    days_in_month,
    end_of_month,
    add_months,
    nth_weekday,
    age_on,
    income_tax,
    social_security,
]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def test_every_shipped_invariant_has_a_case(rules: RuleSet) -> None:
    assert {i.id for i in rules.invariants} == {case[0] for case in CASES}


@pytest.mark.parametrize(
    ("ident", "good", "bad", "constants"),
    CASES,
    ids=[f"{c[0]}-{c[1].__name__}-{n}" for n, c in enumerate(CASES)],
)
def test_invariant_holds_on_correct_code_and_catches_the_bug(
    rules: RuleSet,
    ident: str,
    good: Callable[..., Any],
    bad: Callable[..., Any],
    constants: tuple[str, ...],
) -> None:
    ok = verdicts(rules, good, ident, constants)
    assert ok["violated"] == 0 and ok["holds"] > 0, ok
    assert verdicts(rules, bad, ident, constants)["violated"] > 0


@pytest.mark.parametrize("impl", CORRECT, ids=[f.__name__ for f in CORRECT])
def test_no_false_positive_on_correct_code(rules: RuleSet, impl: Callable[..., Any]) -> None:
    """Every invariant that binds to a correct implementation holds on every example."""
    fn = changed(impl, ("1", "5", "12"))
    bound = bound_invariants(rules, fn)
    assert bound
    for example in examples(rules, fn):
        for inv in bound:
            assert evaluate(inv, impl, example) != "violated", (inv.id, example)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # two amount parameters: the amount is ambiguous, so nothing binds
        ("spent_interest", set()),
        ("present_value", set()),  # monotonicity and identities do not hold for discounting
    ],
)
def test_invariants_stay_away_from_lookalikes(
    rules: RuleSet, source: str, expected: set[str]
) -> None:
    params: tuple[Param, ...] = (
        Param("principal", "Decimal"),
        Param("rate", "Decimal"),
        Param("periods", "int"),
    )
    if source == "spent_interest":
        params += (Param("fee", "Decimal"),)
    fn = ChangedFunction("m.py", source, 1, 2, "modified", params=params, returns="float")
    assert {b.id for b in bound_invariants(rules, fn)} == expected


def test_binding_rules(rules: RuleSet) -> None:
    def fn(name: str, *params: Param, returns: str | None = "Decimal") -> ChangedFunction:
        return ChangedFunction(
            "m.py", name, 1, 2, "modified", params=params, returns=returns, is_method="." in name
        )

    amount, rate = Param("amount", "Decimal"), Param("rate", "Decimal")
    # self is not a parameter the invariants see
    bound = invariants_for(rules, fn("Loan.accrue_interest", Param("self"), amount, rate))
    assert "zero-rate-identity" in {b["id"] for b in bound}
    assert bound[0].keys() == {"id", "when", "check", "message", "severity"}
    # an unknown required parameter closes the identities (it could change the result)
    bound = invariants_for(rules, fn("interest", amount, rate, Param("account", "Account")))
    assert "zero-rate-identity" not in {b["id"] for b in bound}
    # ... unless it has a default
    bound = invariants_for(rules, fn("interest", amount, rate, Param("mode", "str", "'act'")))
    assert "zero-rate-identity" in {b["id"] for b in bound}
    # a currency parameter: the minor unit is not always cents
    bound = invariants_for(rules, fn("convert", amount, Param("currency", "str")))
    assert "money-rounded-to-cents" not in {b["id"] for b in bound}
    assert "money-rounded-to-cents" in {b["id"] for b in invariants_for(rules, fn("net", amount))}
    # the return annotation decides for allocations; a missing one is allowed
    assert not invariants_for(rules, fn("split", amount, returns="dict[str, Decimal]"))
    assert [b["id"] for b in invariants_for(rules, fn("split", amount, returns=None))] == [
        "allocation-conserves-total"
    ]


def test_rounding_to_a_computed_exponent_is_the_functions_own_precondition(
    rules: RuleSet,
) -> None:
    def ids(body: str) -> set[str]:
        fn = ChangedFunction(
            "m.py", "convert", 1, 3, "modified", returns="Decimal",
            params=(Param("amount", "Decimal"), Param("target", "str")),
            head_source=f"def convert(amount, target):\n    return {body}\n",
        )  # fmt: skip
        return {b.id for b in bound_invariants(rules, fn)}

    assert "money-rounded-to-cents" in ids("(amount * 2).quantize(CENT, rounding=HALF)")
    assert "money-rounded-to-cents" in ids("(amount * 2).quantize(Decimal('0.01'))")
    assert "money-rounded-to-cents" in ids("(amount * 2).quantize(money.CENT)")
    assert "money-rounded-to-cents" not in ids("(amount * 2).quantize(minor_exponent(target))")
    assert "money-rounded-to-cents" not in ids("amount.quantize(Decimal(1).scaleb(-places))")
    assert "money-rounded-to-cents" not in ids("amount.quantize(exp=unit)")


def test_required_parameters_close_a_calendar_identity(rules: RuleSet) -> None:
    def ids(*params: Param) -> set[str]:
        fn = ChangedFunction("m.py", "add_months", 1, 3, "modified", params=params)
        return {b.id for b in bound_invariants(rules, fn)}

    d, months = Param("d", "date"), Param("months", "int")
    assert ids(d, months) == {"add-months-calendar"}
    assert ids(d, months, Param("roll", "str", "'clip'")) == {"add-months-calendar"}
    # a third input the result may depend on (a business-day convention): not closed
    assert ids(d, months, Param("roll", "str")) == set()
