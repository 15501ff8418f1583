"""Case definitions for the realistic holdout corpus.

Every case is ONE textual edit (``old`` -> ``new``, each occurring exactly once in
the base file) inside ONE function. ``build.py`` turns the edits into ``git diff``
patches, checks which function changed, runs the witness (bugs) or a randomized
equivalence check (refactors) and writes ``manifest.json``.

Witness calls are evaluated in the namespace of the changed module, so they only
use names the module itself defines or imports.

Refactor ``gen`` strings are lambdas ``(r, m) -> result`` evaluated with the
helpers from ``build.py`` (``D``, ``R``, ``dt``, ``near``, ``Decimal``, ``date``,
``timedelta``); ``r`` is a seeded ``random.Random`` and ``m`` the module under test.
"""

from __future__ import annotations

CASES: list[dict] = []


def bug(path, function, category, operator, change, title, description, old, new, call):
    CASES.append(
        dict(
            kind="bug",
            path=path,
            function=function,
            category=category,
            operator=operator,
            change=change,
            title=title,
            description=description,
            old=old,
            new=new,
            call=call,
        )
    )


def ref(path, function, category, operator, change, title, description, old, new, gen):
    CASES.append(
        dict(
            kind="refactor",
            path=path,
            function=function,
            category=category,
            operator=operator,
            change=change,
            title=title,
            description=description,
            old=old,
            new=new,
            gen=gen,
        )
    )


# ---------------------------------------------------------------- money/core.py
P = "money/core.py"

bug(
    P,
    "minor_exponent",
    "money",
    "normalization",
    "`MINOR_UNITS[currency.upper()]` → `MINOR_UNITS[currency]`",
    "Drop redundant upper() in minor_exponent",
    "Currency codes are normalised at the API boundary, so calling `.upper()` again on every "
    "rounding call is unnecessary work in the hot path.",
    "        places = MINOR_UNITS[currency.upper()]\n    except KeyError:",
    "        places = MINOR_UNITS[currency]\n    except KeyError:",
    "minor_exponent('usd')",
)

bug(
    P,
    "round_money",
    "money",
    "rounding",
    "`ROUND_HALF_UP` → `ROUND_HALF_EVEN` in `round_money`",
    "Use one rounding mode across money helpers",
    "`round_money` and `bankers_round` used different rounding modes, which made statement "
    "lines and postings occasionally disagree. Standardise on the mode the ledger uses.",
    "    return amount.quantize(minor_exponent(currency), rounding=ROUND_HALF_UP)\n\n\ndef bankers_round",
    "    return amount.quantize(minor_exponent(currency), rounding=ROUND_HALF_EVEN)\n\n\ndef bankers_round",
    "round_money(Decimal('2.665'))",
)

bug(
    P,
    "to_minor_units",
    "money",
    "rounding",
    "`int(rounded.scaleb(places))` → `int(amount.scaleb(places))`",
    "Simplify to_minor_units",
    "Scale the amount directly instead of going through an intermediate variable.",
    "    return int(rounded.scaleb(places))",
    "    return int(amount.scaleb(places))",
    "to_minor_units(Decimal('12.345'))",
)

bug(
    P,
    "parse_amount",
    "money",
    "logic",
    "`negative = not negative` → `negative = True`",
    "parse_amount: make sign handling explicit",
    "A leading minus always means a negative amount; set the flag directly instead of toggling it.",
    "        negative = not negative\n",
    "        negative = True\n",
    "parse_amount('(-5.00)')",
)

bug(
    P,
    "Money.times",
    "money",
    "dropped-argument",
    "`round_money(self.amount * factor, self.currency)` → `round_money(self.amount * factor)`",
    "Money.times: rely on round_money default",
    "Small cleanup: `round_money` already has a sensible default currency.",
    "        return Money(round_money(self.amount * factor, self.currency), self.currency)",
    "        return Money(round_money(self.amount * factor), self.currency)",
    "Money.times(Money(Decimal('1000'), 'JPY'), Decimal('0.3333'))",
)

bug(
    P,
    "Money.__sub__",
    "money",
    "special-case",
    "remove `self._check(other)` from `__sub__`",
    "Money: avoid double currency validation on subtraction",
    "Subtraction results are always re-validated when they are posted, so the eager check in "
    "`__sub__` is redundant and shows up in profiles of the reconciliation job.",
    "        self._check(other)\n        return Money(self.amount - other.amount, self.currency)",
    "        return Money(self.amount - other.amount, self.currency)",
    "Money.__sub__(Money(Decimal('5.00')), Money(Decimal('1.00'), 'EUR'))",
)

# ------------------------------------------------------------ money/allocate.py
P = "money/allocate.py"

bug(
    P,
    "allocate_evenly",
    "money",
    "boundary",
    "`i < remainder` → `i <= remainder`",
    "allocate_evenly: clarify remainder distribution",
    "Make the condition that hands out leftover cents read more naturally.",
    "        extra = 1 if i < remainder else 0",
    "        extra = 1 if i <= remainder else 0",
    "allocate_evenly(Decimal('10.00'), 3)",
)

bug(
    P,
    "allocate_by_ratio",
    "money",
    "remainder",
    "sort key `(-(raw[i] - floors[i]), i)` → `(raw[i] - floors[i], i)`",
    "Simplify sort key in allocate_by_ratio",
    "Remove the double negation from the largest-remainder sort key.",
    "key=lambda i: (-(raw[i] - floors[i]), i))",
    "key=lambda i: (raw[i] - floors[i], i))",
    "allocate_by_ratio(Decimal('1.00'), [1, 2])",
)

bug(
    P,
    "split_bill",
    "money",
    "remainder",
    "`shares[0] +=` → `shares[-1] +=`",
    "split_bill: adjust the last share",
    "Put the rounding adjustment on the last share, which is easier to spot on the receipt.",
    "    shares[0] += grand - each * people",
    "    shares[-1] += grand - each * people",
    "split_bill(Decimal('100.00'), 3)",
)

bug(
    P,
    "round_robin_cents",
    "money",
    "special-case",
    "`pos = start % n` → `pos = start`",
    "round_robin_cents: drop modulo on start position",
    "Callers always pass a start index inside the bucket range, so the modulo is not needed.",
    "    pos = start % n\n",
    "    pos = start\n",
    "round_robin_cents(2, 3, 4)",
)

bug(
    P,
    "allocate_minor",
    "money",
    "remainder",
    "remainder goes to `parts[-1]` instead of the heaviest weight",
    "allocate_minor: simpler remainder placement",
    "Finding the heaviest weight is an extra pass over the list; put the remainder on the last "
    "part like the other allocators in settlement do.",
    "    heaviest = max(range(len(weights)), key=lambda i: weights[i])\n    parts[heaviest] += remainder",
    "    parts[-1] += remainder",
    "allocate_minor(100, [2, 1])",
)

bug(
    P,
    "percent_split",
    "money",
    "off-by-one",
    "`for pct in percents[:-1]` → `for pct in percents`",
    "percent_split: iterate over all percentages",
    "Avoid slicing the list on every call.",
    "    for pct in percents[:-1]:",
    "    for pct in percents:",
    "percent_split(Decimal('10.00'), [Decimal('50'), Decimal('50')])",
)

# ------------------------------------------------------------ ledger/interest.py
P = "ledger/interest.py"

bug(
    P,
    "simple_interest",
    "money",
    "boundary",
    "`days < 0` → `days <= 0`",
    "Validate day count in simple_interest",
    "Reject non-positive day counts early instead of computing interest on them.",
    "    if days < 0:",
    "    if days <= 0:",
    "simple_interest(Decimal('1000'), Decimal('0.05'), 0)",
)

bug(
    P,
    "compound",
    "money",
    "off-by-one",
    "`range(periods)` → `range(1, periods)`",
    "Simplify compounding loop",
    "Use a 1-based period counter to match the period numbers shown on statements.",
    "    for _ in range(periods):",
    "    for _ in range(1, periods):",
    "compound(Decimal('100'), Decimal('0.05'), 2)",
)

bug(
    P,
    "compound",
    "money",
    "rounding",
    "quantize once after the loop instead of every period",
    "compound: round once at the end",
    "Rounding inside the loop is slow for long horizons and accumulates rounding error; round "
    "the final balance instead.",
    "        balance = (balance * (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)\n    return balance\n",
    "        balance = balance * (1 + rate)\n    return balance.quantize(CENT, rounding=ROUND_HALF_UP)\n",
    "compound(Decimal('1000.00'), Decimal('0.0125'), 12)",
)

bug(
    P,
    "days_30_360",
    "date",
    "special-case",
    "remove the `d2 == 31 and d1 == 30` adjustment",
    "days_30_360: remove unused branch",
    "`d1` is already capped at 30, so the end-of-month adjustment for `d2` looks dead; remove it.",
    "    if d2 == 31 and d1 == 30:\n        d2 = 30\n",
    "",
    "days_30_360(date(2024, 1, 30), date(2024, 3, 31))",
)

bug(
    P,
    "year_fraction",
    "date",
    "day-count",
    "ACT/360 branch divides by `365`",
    "Tidy up year_fraction branches",
    "Make the ACT branches consistent with each other.",
    '    if convention == "ACT/360":\n        return Decimal((end - start).days) / 360',
    '    if convention == "ACT/360":\n        return Decimal((end - start).days) / 365',
    "year_fraction(date(2024, 1, 1), date(2024, 7, 1), 'ACT/360')",
)

bug(
    P,
    "accrued_interest",
    "money",
    "rounding",
    "`ROUND_HALF_EVEN` → `ROUND_HALF_UP`",
    "accrued_interest: use commercial rounding",
    "All other helpers in this module round half-up; make accrued interest consistent.",
    "    return (principal * annual_rate * fraction).quantize(CENT, rounding=ROUND_HALF_EVEN)",
    "    return (principal * annual_rate * fraction).quantize(CENT, rounding=ROUND_HALF_UP)",
    "accrued_interest(Decimal('4562.5'), Decimal('0.01'), date(2024, 1, 1), date(2024, 1, 2))",
)

bug(
    P,
    "effective_annual_rate",
    "money",
    "constant",
    "`nominal / periods_per_year` → `nominal / 12`",
    "effective_annual_rate: name the monthly case",
    "Nearly every product compounds monthly; make that the explicit per-period rate.",
    "    per_period = nominal / periods_per_year",
    "    per_period = nominal / 12",
    "effective_annual_rate(Decimal('0.12'), 4)",
)

bug(
    P,
    "daily_balance_interest",
    "money",
    "special-case",
    "negative daily balances are no longer skipped",
    "daily_balance_interest: simplify accumulation",
    "Sum the daily balances directly.",
    "        if bal > 0:\n            total += bal",
    "        total += bal",
    "daily_balance_interest([Decimal('100'), Decimal('-50')], Decimal('0.10'))",
)

bug(
    P,
    "is_leap",
    "date",
    "special-case",
    "drop the century rule: `year % 4 == 0`",
    "Simplify is_leap",
    "We only deal with dates in the 21st century, so the century rule is noise.",
    "    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)",
    "    return year % 4 == 0",
    "is_leap(1900)",
)

# --------------------------------------------------------------- ledger/fees.py
P = "ledger/fees.py"

bug(
    P,
    "late_fee",
    "date",
    "boundary",
    "`days_late <= GRACE_DAYS` → `days_late < GRACE_DAYS`",
    "late_fee: clarify grace period check",
    "Express the grace-period condition the way the policy document words it.",
    "    if days_late <= GRACE_DAYS or balance <= 0:",
    "    if days_late < GRACE_DAYS or balance <= 0:",
    "late_fee(Decimal('1000.00'), date(2024, 3, 1), date(2024, 3, 6))",
)

bug(
    P,
    "late_fee",
    "money",
    "operator",
    "`max(LATE_FEE_FLAT, pct_fee)` → `min(LATE_FEE_FLAT, pct_fee)`",
    "late_fee: reuse min/max helpers",
    "Small readability change to the fee computation.",
    "    fee = max(LATE_FEE_FLAT, pct_fee)",
    "    fee = min(LATE_FEE_FLAT, pct_fee)",
    "late_fee(Decimal('1000.00'), date(2024, 3, 1), date(2024, 3, 20))",
)

bug(
    P,
    "late_fee",
    "money",
    "special-case",
    "remove the `MAX_LATE_FEE` cap",
    "late_fee: return the computed fee",
    "The cap is applied by the statement renderer as well; return the fee as computed.",
    "    return min(fee, MAX_LATE_FEE)",
    "    return fee",
    "late_fee(Decimal('10000.00'), date(2024, 3, 1), date(2024, 3, 20))",
)

bug(
    P,
    "card_fee",
    "money",
    "boundary",
    "`amount <= upper` → `amount < upper`",
    "card_fee: tier lookup cleanup",
    "Use half-open tier intervals like the pricing sheet.",
    "        if upper is None or amount <= upper:",
    "        if upper is None or amount < upper:",
    "card_fee(Decimal('1000.00'))",
)

bug(
    P,
    "wire_fee",
    "money",
    "operator",
    "`min(variable, 50)` → `max(variable, 50)`",
    "wire_fee: tidy international fee",
    "Minor cleanup of the international wire fee expression.",
    '    return Decimal("30.00") + min(variable, Decimal("50.00"))',
    '    return Decimal("30.00") + max(variable, Decimal("50.00"))',
    "wire_fee(Decimal('1000.00'), True)",
)

bug(
    P,
    "overdraft_fees",
    "money",
    "operator",
    "`OVERDRAFT_FEE * charged` → `OVERDRAFT_FEE`",
    "overdraft_fees: simplify per-day accumulation",
    "Simplify the accumulation loop in overdraft_fees.",
    "        total += OVERDRAFT_FEE * charged",
    "        total += OVERDRAFT_FEE",
    "overdraft_fees([2, 0, 5])",
)

bug(
    P,
    "minimum_payment",
    "money",
    "special-case",
    "drop `min(balance, ...)`",
    "minimum_payment: simplify",
    "Remove a nested min/max in the minimum payment computation.",
    '    return min(balance, max(pct, Decimal("25.00")))',
    '    return max(pct, Decimal("25.00"))',
    "minimum_payment(Decimal('10.00'))",
)

# --------------------------------------------------------- billing/proration.py
P = "billing/proration.py"

bug(
    P,
    "prorate",
    "date",
    "off-by-one",
    "`(hi - lo).days + 1` → `(hi - lo).days`",
    "prorate: use timedelta days directly",
    "Use the day difference as is.",
    "    used = (hi - lo).days + 1",
    "    used = (hi - lo).days",
    "prorate(Decimal('30.00'), date(2024, 4, 1), date(2024, 4, 15), date(2024, 4, 1), date(2024, 4, 30))",
)

bug(
    P,
    "prorate_first_month",
    "date",
    "off-by-one",
    "`dim - signup.day + 1` → `dim - signup.day`",
    "prorate_first_month: simplify remaining days",
    "Compute the remaining days in the month without the extra adjustment.",
    "    remaining = dim - signup.day + 1",
    "    remaining = dim - signup.day",
    "prorate_first_month(Decimal('30.00'), date(2024, 4, 30))",
)

bug(
    P,
    "upgrade_charge",
    "money",
    "swapped-operands",
    "`charge - credit` → `credit - charge`",
    "upgrade_charge: return credit-first",
    "Return the net amount in the order the two components are computed.",
    "    return charge - credit",
    "    return credit - charge",
    "upgrade_charge(Decimal('10.00'), Decimal('20.00'), date(2024, 2, 15), date(2024, 2, 29))",
)

bug(
    P,
    "billing_period",
    "date",
    "month-end",
    "remove the month-length clipping of `anchor_day`",
    "billing_period: simplify start_in helper",
    "Anchor days are validated on the subscription model, so clamp-on-use is redundant.",
    "        return date(year, month, min(anchor_day, days_in_month(year, month)))",
    "        return date(year, month, anchor_day)",
    "billing_period(31, date(2024, 2, 10))",
)

bug(
    P,
    "billing_period",
    "date",
    "boundary",
    "`today < start` → `today <= start`",
    "billing_period: handle anchor day explicitly",
    "Make the comparison against the period start inclusive.",
    "    if today < start:",
    "    if today <= start:",
    "billing_period(15, date(2024, 3, 15))",
)

# ---------------------------------------------------------- billing/invoices.py
P = "billing/invoices.py"

bug(
    P,
    "LineItem.subtotal",
    "money",
    "operator",
    "`gross * (1 - self.discount)` → `gross - self.discount`",
    "LineItem.subtotal: simplify discount arithmetic",
    "Simplify the net amount expression.",
    "        net = gross * (1 - self.discount)",
    "        net = gross - self.discount",
    "LineItem.subtotal(LineItem('Seats', Decimal('10.00'), 2, Decimal('0'), Decimal('0.10')))",
)

bug(
    P,
    "Invoice.balance_due",
    "money",
    "wrong-variable",
    "`self.total()` → `self.subtotal()`",
    "Invoice.balance_due: avoid recomputing totals",
    "`total()` walks every line twice; use the cheaper subtotal here.",
    "        remaining = self.total() - self.amount_paid",
    "        remaining = self.subtotal() - self.amount_paid",
    "Invoice.balance_due(Invoice('INV-1', date(2024, 1, 1), [LineItem('Plan', Decimal('100.00'), 1, Decimal('0.10'))]))",
)

bug(
    P,
    "Invoice.due_date",
    "date",
    "special-case",
    "remove the Sunday branch",
    "Invoice.due_date: simplify weekend handling",
    "Collapse the weekend adjustment.",
    "        elif due.weekday() == 6:\n            due += timedelta(days=1)\n",
    "",
    "Invoice.due_date(Invoice('INV-1', date(2024, 2, 2)))",
)

bug(
    P,
    "volume_discount",
    "money",
    "ordering",
    "iterate `sorted(VOLUME_TIERS)`",
    "volume_discount: deterministic tier order",
    "Iterate the tiers in sorted order so the lookup does not depend on how the constant is written.",
    "    for minimum, rate in VOLUME_TIERS:",
    "    for minimum, rate in sorted(VOLUME_TIERS):",
    "volume_discount(100)",
)

bug(
    P,
    "volume_discount",
    "money",
    "boundary",
    "`quantity >= minimum` → `quantity > minimum`",
    "volume_discount: tidy comparison",
    "Small cleanup in the tier comparison.",
    "        if quantity >= minimum:",
    "        if quantity > minimum:",
    "volume_discount(50)",
)

bug(
    P,
    "invoice_number",
    "other",
    "format",
    "`{sequence:06d}` → `{sequence:6d}`",
    "invoice_number: simplify format spec",
    "Simplify the invoice number format spec.",
    "{sequence:06d}",
    "{sequence:6d}",
    "invoice_number('inv', 2024, 7)",
)

bug(
    P,
    "early_payment_discount",
    "date",
    "boundary",
    "`<= days` → `< days`",
    "early_payment_discount: clarify window",
    "Express the early payment window as a strict bound.",
    "    if (paid - issued).days <= days:",
    "    if (paid - issued).days < days:",
    "early_payment_discount(Decimal('1000.00'), date(2024, 1, 1), date(2024, 1, 11))",
)

# -------------------------------------------------------------- payroll/tax.py
P = "payroll/tax.py"

bug(
    P,
    "income_tax",
    "money",
    "statement-order",
    "`lower = upper` moved before `tax += (upper - lower) * rate`",
    "income_tax: advance bracket bound first",
    "Move the bracket bookkeeping to the top of the loop body so the accumulation reads last.",
    "        tax += (upper - lower) * rate\n        lower = upper\n",
    "        lower = upper\n        tax += (upper - lower) * rate\n",
    "income_tax(Decimal('20000'))",
)

bug(
    P,
    "marginal_rate",
    "money",
    "boundary",
    "`taxable < upper` → `taxable <= upper`",
    "marginal_rate: match income_tax comparison",
    "Use the same bracket comparison as `income_tax` for consistency.",
    "        if upper is None or taxable < upper:",
    "        if upper is None or taxable <= upper:",
    "marginal_rate(Decimal('11000'))",
)

bug(
    P,
    "social_security",
    "money",
    "special-case",
    "remove the early return once the wage base is reached",
    "social_security: drop redundant early return",
    "The `min()` below already limits taxable wages to what is left of the wage base.",
    '    if wages_ytd >= SOCIAL_SECURITY_WAGE_BASE:\n        return Decimal("0.00")\n',
    "",
    "social_security(Decimal('170000'), Decimal('5000'))",
)

bug(
    P,
    "medicare",
    "money",
    "operator",
    "`(over_after - over_before)` → `over_after`",
    "medicare: simplify additional medicare computation",
    "Simplify the additional Medicare tax expression.",
    "    extra = (over_after - over_before) * ADDITIONAL_MEDICARE_RATE",
    "    extra = over_after * ADDITIONAL_MEDICARE_RATE",
    "medicare(Decimal('210000'), Decimal('10000'))",
)

bug(
    P,
    "net_pay",
    "money",
    "wrong-variable",
    "FICA computed on `fit_wages` instead of `gross`",
    "net_pay: use one wage base",
    "Use the same wage figure for all withholding calls.",
    "    fica = social_security(wages_ytd, gross) + medicare(wages_ytd, gross)",
    "    fica = social_security(wages_ytd, fit_wages) + medicare(wages_ytd, fit_wages)",
    "net_pay(Decimal('2000.00'), Decimal('0'), 26, 0, Decimal('200.00'))",
)

# ----------------------------------------------------------- payroll/periods.py
P = "payroll/periods.py"

bug(
    P,
    "semimonthly_pay_dates",
    "date",
    "special-case",
    "return unadjusted pay dates",
    "semimonthly_pay_dates: move weekend adjustment to the bank file",
    "The bank export already rolls weekend dates, so adjust there only.",
    "    return [previous_business_day(d) for d in dates]",
    "    return dates",
    "semimonthly_pay_dates(2024, 6)",
)

bug(
    P,
    "biweekly_pay_dates",
    "date",
    "boundary",
    "`current <= end` → `current < end`",
    "biweekly_pay_dates: loop cleanup",
    "Tidy the loop condition.",
    "    while current <= end:",
    "    while current < end:",
    "biweekly_pay_dates(date(2024, 1, 5), date(2024, 1, 1), date(2024, 1, 19))",
)

bug(
    P,
    "overtime_pay",
    "money",
    "special-case",
    "drop the `max(..., 0)` on overtime hours",
    "overtime_pay: simplify overtime hours",
    "Simplify the overtime hours expression.",
    '    overtime = max(hours - OVERTIME_THRESHOLD, Decimal("0"))',
    "    overtime = hours - OVERTIME_THRESHOLD",
    "overtime_pay(Decimal('20.00'), Decimal('30'))",
)

bug(
    P,
    "partial_period_pay",
    "money",
    "special-case",
    "clamp only at zero: `max(0, days_worked)`",
    "partial_period_pay: simplify clamping",
    "Only guard against negative day counts.",
    "    days_worked = max(0, min(days_worked, days_in_period))",
    "    days_worked = max(0, days_worked)",
    "partial_period_pay(Decimal('52000'), 'weekly', 8, 7)",
)

# -------------------------------------------------- calendar_utils/business_days.py
P = "calendar_utils/business_days.py"

bug(
    P,
    "add_business_days",
    "date",
    "special-case",
    "`step = 1 if n >= 0 else -1` → `step = 1`",
    "add_business_days: simplify stepping",
    "Simplify the stepping logic in add_business_days.",
    "    step = 1 if n >= 0 else -1",
    "    step = 1",
    "add_business_days(date(2024, 6, 10), -1)",
)

bug(
    P,
    "business_days_between",
    "date",
    "off-by-one",
    "start counting at `start` instead of the day after",
    "business_days_between: start loop at start date",
    "Start iterating at the start date.",
    "    current = start + timedelta(days=1)",
    "    current = start",
    "business_days_between(date(2024, 6, 3), date(2024, 6, 7))",
)

bug(
    P,
    "settlement_date",
    "date",
    "special-case",
    "only the trade year's holidays are considered",
    "settlement_date: compute holidays once",
    "Avoid building the next year's holiday set on every call.",
    "    hols = bank_holidays(trade.year) | bank_holidays(trade.year + 1)",
    "    hols = bank_holidays(trade.year)",
    "settlement_date(date(2022, 12, 30))",
)

# ------------------------------------------------- calendar_utils/schedules.py
P = "calendar_utils/schedules.py"

bug(
    P,
    "add_months",
    "date",
    "month-end",
    "month-end clipping removed",
    "add_months: construct target date directly",
    "Build the target date directly.",
    "    return date(year, month, min(d.day, last_day))",
    "    return date(year, month, d.day)",
    "add_months(date(2024, 1, 31), 1)",
)

bug(
    P,
    "add_months",
    "date",
    "operator",
    "`month_index // 12` → `int(month_index / 12)`",
    "add_months: explicit integer conversion",
    "Make the year carry computation explicit.",
    "    year = d.year + month_index // 12",
    "    year = d.year + int(month_index / 12)",
    "add_months(date(2024, 1, 15), -1)",
)

bug(
    P,
    "monthly_schedule",
    "date",
    "month-end",
    "each date computed from the previous date instead of from `start`",
    "monthly_schedule: build schedule incrementally",
    "Step one month at a time from the previous entry.",
    "        d = add_months(start, i)",
    "        d = add_months(dates[-1], 1) if dates else start",
    "monthly_schedule(date(2024, 1, 31), 3)",
)

bug(
    P,
    "nth_weekday",
    "date",
    "off-by-one",
    "`7 * (n - 1)` → `7 * n`",
    "nth_weekday: simplify week offset",
    "Simplify the week offset expression.",
    "        result = first + timedelta(days=offset + 7 * (n - 1))",
    "        result = first + timedelta(days=offset + 7 * n)",
    "nth_weekday(2024, 5, 0, 1)",
)

bug(
    P,
    "age_on",
    "date",
    "boundary",
    "`<` → `<=` in the birthday comparison",
    "age_on: tidy birthday comparison",
    "Small cleanup in age_on.",
    "    if (on.month, on.day) < (birth.month, birth.day):",
    "    if (on.month, on.day) <= (birth.month, birth.day):",
    "age_on(date(2000, 6, 15), date(2024, 6, 15))",
)

# --------------------------------------------------------------- fx/convert.py
P = "fx/convert.py"

bug(
    P,
    "cross_rate",
    "money",
    "swapped-operands",
    "`quote_per_usd / base_per_usd` → `base_per_usd / quote_per_usd`",
    "cross_rate: reorder division",
    "Compute the cross rate in base/quote order, matching the variable names.",
    "    return (quote_per_usd / base_per_usd).quantize(",
    "    return (base_per_usd / quote_per_usd).quantize(",
    "cross_rate({'USD': Decimal('1'), 'EUR': Decimal('0.92')}, 'USD', 'EUR')",
)

bug(
    P,
    "convert",
    "money",
    "wrong-variable",
    "`minor_exponent(target)` → `minor_exponent(source)`",
    "convert: round in the booking currency",
    "Round conversions consistently.",
    "    return (amount * rate).quantize(minor_exponent(target), rounding=ROUND_HALF_UP)",
    "    return (amount * rate).quantize(minor_exponent(source), rounding=ROUND_HALF_UP)",
    "convert(Decimal('100.55'), 'USD', 'JPY', {'USD': Decimal('1'), 'JPY': Decimal('151.37')})",
)

bug(
    P,
    "apply_spread",
    "money",
    "constant",
    "`spread_bps * BASIS_POINT` → `spread_bps / 100`",
    "apply_spread: inline basis point constant",
    "Inline the basis-point constant.",
    "    adjustment = mid * spread_bps * BASIS_POINT",
    "    adjustment = mid * spread_bps / 100",
    "apply_spread(Decimal('1.250000'), 50, 'sell')",
)

bug(
    P,
    "revalue",
    "money",
    "swapped-arguments",
    "`convert(amount, currency, reporting, rates)` → `convert(amount, reporting, currency, rates)`",
    "revalue: argument order cleanup",
    "Reorder the convert() arguments.",
    "        total += convert(amount, currency, reporting, rates)",
    "        total += convert(amount, reporting, currency, rates)",
    "revalue({'EUR': Decimal('100.00')}, {'USD': Decimal('1'), 'EUR': Decimal('0.92')})",
)

# -------------------------------------------------------- loans/amortization.py
P = "loans/amortization.py"

bug(
    P,
    "Loan.payment",
    "money",
    "rounding",
    "zero-rate payment `ROUND_CEILING` → `ROUND_HALF_UP`",
    "Loan.payment: consistent rounding",
    "Round the zero-interest payment the same way as the regular annuity payment.",
    "            return (self.principal / self.term_months).quantize(CENT, rounding=ROUND_CEILING)",
    "            return (self.principal / self.term_months).quantize(CENT, rounding=ROUND_HALF_UP)",
    "Loan.payment(Loan(Decimal('1000.00'), Decimal('0'), 3))",
)

bug(
    P,
    "Loan.schedule",
    "money",
    "remainder",
    "final payment no longer absorbs the remaining balance",
    "Loan.schedule: uniform rows",
    "Every row is computed the same way now; the special-cased last row made the loop harder to read.",
    "            if period == self.term_months:\n                principal_part = balance\n            else:\n                principal_part = pmt - interest\n",
    "            principal_part = pmt - interest\n",
    "Loan.schedule(Loan(Decimal('1000.00'), Decimal('0.12'), 3))",
)

bug(
    P,
    "Loan.balance_after",
    "money",
    "off-by-one",
    "`rows[payments_made - 1]` → `rows[payments_made]`",
    "Loan.balance_after: index cleanup",
    "Clean up schedule indexing.",
    "        return rows[payments_made - 1].balance",
    "        return rows[payments_made].balance",
    "Loan.balance_after(Loan(Decimal('1000.00'), Decimal('0.12'), 3), 1)",
)

bug(
    P,
    "first_payment_date",
    "date",
    "boundary",
    "`funded.day > 15` → `funded.day >= 15`",
    "first_payment_date: tidy mid-month check",
    "Small cleanup of the mid-month cut-off.",
    "    months_ahead = 2 if funded.day > 15 else 1",
    "    months_ahead = 2 if funded.day >= 15 else 1",
    "first_payment_date(date(2024, 3, 15))",
)


# =============================================================== refactors
MONEY = "D(r)"

ref(
    "ledger/interest.py",
    "days_30_360",
    "date",
    "equivalent-condition",
    "`d1 == 30` → `d1 >= 30`",
    "days_30_360: defensive comparison",
    "Use `>=` so the adjustment stays correct if the cap on `d1` ever changes. No behaviour change.",
    "    if d2 == 31 and d1 == 30:",
    "    if d2 == 31 and d1 >= 30:",
    "lambda r, m: m.days_30_360(dt(r), dt(r))",
)

ref(
    "ledger/interest.py",
    "daily_balance_interest",
    "money",
    "comprehension",
    "accumulation loop → `sum()` over a generator",
    "daily_balance_interest: use sum()",
    "Replace the manual accumulation loop with `sum()`. No behaviour change.",
    '    total = Decimal("0")\n    for bal in balances:\n        if bal > 0:\n            total += bal\n',
    '    total = sum((bal for bal in balances if bal > 0), Decimal("0"))\n',
    "lambda r, m: m.daily_balance_interest([D(r) for _ in range(r.randint(0, 35))], R(r), r.choice([360, 365, 366]))",
)

ref(
    "payroll/tax.py",
    "income_tax",
    "money",
    "boundary-equivalent",
    "`taxable <= upper` → `taxable < upper`",
    "income_tax: strict bracket comparison",
    "Use a strict comparison when walking brackets; at an exact bracket boundary the next "
    "bracket contributes zero, so the result is unchanged.",
    "        if upper is None or taxable <= upper:",
    "        if upper is None or taxable < upper:",
    "lambda r, m: m.income_tax(taxable(r))",
)

ref(
    "calendar_utils/schedules.py",
    "quarter_end",
    "date",
    "constant-folding",
    "`calendar.monthrange(...)[1]` → hard-coded 30/31",
    "quarter_end: avoid calendar lookup",
    "Quarter-end months have fixed lengths (Mar 31, Jun 30, Sep 30, Dec 31); no need to ask `calendar`.",
    "    return date(d.year, last_month, calendar.monthrange(d.year, last_month)[1])",
    "    last_day = 30 if last_month in (6, 9) else 31\n    return date(d.year, last_month, last_day)",
    "lambda r, m: m.quarter_end(dt(r))",
)

ref(
    "money/allocate.py",
    "allocate_evenly",
    "money",
    "comprehension",
    "append loop → list comprehension",
    "allocate_evenly: list comprehension",
    "Build the shares with a comprehension. No behaviour change.",
    "    shares = []\n    for i in range(parts):\n        extra = 1 if i < remainder else 0\n        shares.append(Decimal(base + extra) * CENT)\n    return shares\n",
    "    return [Decimal(base + (1 if i < remainder else 0)) * CENT for i in range(parts)]\n",
    "lambda r, m: m.allocate_evenly(D(r), r.randint(-1, 12))",
)

ref(
    "money/allocate.py",
    "allocate_minor",
    "money",
    "simplify-lambda",
    "`key=lambda i: weights[i]` → `key=weights.__getitem__`",
    "allocate_minor: drop lambda",
    "Use the bound `__getitem__` as the key function.",
    "key=lambda i: weights[i])",
    "key=weights.__getitem__)",
    "lambda r, m: m.allocate_minor(r.randint(-500, 100000), [r.randint(0, 5) for _ in range(r.randint(0, 6))], r.choice(['USD', 'JPY', 'usd', 'XXX']))",
)

ref(
    "billing/invoices.py",
    "Invoice.subtotal",
    "money",
    "loop",
    "`sum(generator, start)` → explicit loop",
    "Invoice.subtotal: explicit loop",
    "Spell out the accumulation so it is easier to step through in the debugger.",
    '    def subtotal(self) -> Decimal:\n        return sum((item.subtotal() for item in self.items), Decimal("0.00"))\n',
    '    def subtotal(self) -> Decimal:\n        total = Decimal("0.00")\n        for item in self.items:\n            total += item.subtotal()\n        return total\n',
    "lambda r, m: invoice(r, m).subtotal()",
)

ref(
    "billing/invoices.py",
    "Invoice.total",
    "money",
    "extract-variable",
    "name `subtotal` and `tax` before adding",
    "Invoice.total: name the components",
    "Name the two components of the invoice total; handy for breakpoints. No behaviour change.",
    "        return self.subtotal() + self.tax_total()",
    "        subtotal = self.subtotal()\n        tax = self.tax_total()\n        return subtotal + tax",
    "lambda r, m: invoice(r, m).total()",
)

ref(
    "billing/invoices.py",
    "volume_discount",
    "money",
    "comprehension",
    "loop → `next()` over a generator",
    "volume_discount: use next()",
    "Use `next()` with a default instead of a loop with an early return.",
    '    for minimum, rate in VOLUME_TIERS:\n        if quantity >= minimum:\n            return rate\n    return Decimal("0")\n',
    '    return next((rate for minimum, rate in VOLUME_TIERS if quantity >= minimum), Decimal("0"))\n',
    "lambda r, m: m.volume_discount(r.choice([r.randint(-5, 150), 9, 10, 11, 49, 50, 51, 99, 100, 101, 0]))",
)

ref(
    "billing/invoices.py",
    "apply_discount_code",
    "money",
    "rename",
    "rename locals `pct` → `rate`, `discounted` → `new_total`",
    "apply_discount_code: clearer names",
    "Rename locals for readability.",
    "    pct = DISCOUNT_CODES.get(code.strip().upper())\n    if pct is None:\n        return total\n    discounted = total * (1 - pct)\n    return discounted.quantize(CENT, rounding=ROUND_HALF_UP)\n",
    "    rate = DISCOUNT_CODES.get(code.strip().upper())\n    if rate is None:\n        return total\n    new_total = total * (1 - rate)\n    return new_total.quantize(CENT, rounding=ROUND_HALF_UP)\n",
    "lambda r, m: m.apply_discount_code(D(r), r.choice(['WELCOME10', ' loyal15 ', 'staff50', 'BOGUS', '', 'Welcome10x', 'LOYAL15']))",
)

ref(
    "ledger/fees.py",
    "late_fee",
    "money",
    "conditional-expression",
    "`max(LATE_FEE_FLAT, pct_fee)` → conditional expression",
    "late_fee: explicit floor",
    "Spell out the flat-fee floor as a conditional expression. No behaviour change.",
    "    fee = max(LATE_FEE_FLAT, pct_fee)",
    "    fee = pct_fee if pct_fee > LATE_FEE_FLAT else LATE_FEE_FLAT",
    "lambda r, m: (lambda due: m.late_fee(D(r), due, near(r, due, -3, 40)))(dt(r))",
)

ref(
    "ledger/fees.py",
    "wire_fee",
    "money",
    "invert-if",
    "invert the `international` guard",
    "wire_fee: handle international case first",
    "Reorder the branches so the common case reads top to bottom.",
    '    if not international:\n        return Decimal("15.00")\n    variable = (amount * Decimal("0.001")).quantize(CENT, rounding=ROUND_HALF_UP)\n    return Decimal("30.00") + min(variable, Decimal("50.00"))\n',
    '    if international:\n        variable = (amount * Decimal("0.001")).quantize(CENT, rounding=ROUND_HALF_UP)\n        return Decimal("30.00") + min(variable, Decimal("50.00"))\n    return Decimal("15.00")\n',
    "lambda r, m: m.wire_fee(D(r), r.choice([True, False, 0, 1, None, 'yes']))",
)

ref(
    "ledger/fees.py",
    "overdraft_fees",
    "money",
    "comprehension",
    "accumulation loop → `sum()`",
    "overdraft_fees: use sum()",
    "Replace the loop with a generator expression.",
    '    total = Decimal("0.00")\n    for count in overdrafts_per_day:\n        charged = min(count, MAX_OVERDRAFTS_PER_DAY)\n        total += OVERDRAFT_FEE * charged\n    return total\n',
    '    return sum(\n        (OVERDRAFT_FEE * min(count, MAX_OVERDRAFTS_PER_DAY) for count in overdrafts_per_day),\n        Decimal("0.00"),\n    )\n',
    "lambda r, m: m.overdraft_fees([r.randint(-1, 6) for _ in range(r.randint(0, 10))])",
)

ref(
    "ledger/fees.py",
    "minimum_payment",
    "money",
    "conditional-expression",
    "`min(balance, floor)` → conditional expression",
    "minimum_payment: name the floor",
    "Extract the floor into a variable and make the cap explicit.",
    '    return min(balance, max(pct, Decimal("25.00")))',
    '    floor = max(pct, Decimal("25.00"))\n    return floor if floor < balance else balance',
    "lambda r, m: m.minimum_payment(r.choice([D(r), Decimal('25.00'), Decimal('25'), Decimal('1250.00'), Decimal('1249.99'), Decimal('1250.25'), Decimal('24.999')]))",
)

ref(
    "ledger/interest.py",
    "simple_interest",
    "money",
    "inline-variable",
    "inline the `interest` temporary",
    "simple_interest: inline temporary",
    "Inline a single-use variable.",
    "    interest = principal * annual_rate * days / denominator\n    return interest.quantize(CENT, rounding=ROUND_HALF_UP)\n",
    "    return (principal * annual_rate * days / denominator).quantize(CENT, rounding=ROUND_HALF_UP)\n",
    "lambda r, m: m.simple_interest(D(r), R(r), r.randint(-3, 800), r.choice(['ACT/360', 'ACT/365', '30/360']))",
)

ref(
    "payroll/tax.py",
    "social_security",
    "money",
    "conditional-expression",
    "`min(wages, base - ytd)` → conditional expression with a named variable",
    "social_security: name the remaining wage base",
    "Name the remaining wage base for readability.",
    "    taxable = min(wages, SOCIAL_SECURITY_WAGE_BASE - wages_ytd)",
    "    remaining_base = SOCIAL_SECURITY_WAGE_BASE - wages_ytd\n    taxable = remaining_base if remaining_base < wages else wages",
    "lambda r, m: m.social_security(r.choice([D(r), Decimal('160200'), Decimal('155200'), Decimal('160199.99'), Decimal('0')]), r.choice([D(r), Decimal('5000'), Decimal('5000.00')]))",
)

ref(
    "payroll/tax.py",
    "marginal_rate",
    "money",
    "comprehension",
    "loop → `next()` with default",
    "marginal_rate: use next()",
    "Replace the lookup loop with `next()`.",
    "    for upper, rate in BRACKETS:\n        if upper is None or taxable < upper:\n            return rate\n    return BRACKETS[-1][1]\n",
    "    return next(\n        (rate for upper, rate in BRACKETS if upper is None or taxable < upper),\n        BRACKETS[-1][1],\n    )\n",
    "lambda r, m: m.marginal_rate(taxable(r))",
)

ref(
    "fx/convert.py",
    "convert_minor",
    "money",
    "extract-variable",
    "extract `rate = cross_rate(...)`",
    "convert_minor: name the rate",
    "Extract the cross rate into a variable for logging later.",
    "    converted = major * cross_rate(rates, source, target)",
    "    rate = cross_rate(rates, source, target)\n    converted = major * rate",
    "lambda r, m: m.convert_minor(r.randint(-10**6, 10**7), ccy(r), ccy(r), rates(r))",
)

ref(
    "fx/convert.py",
    "revalue",
    "money",
    "comprehension",
    "accumulation loop → `sum()`",
    "revalue: use sum()",
    "Replace the accumulation loop with `sum()` over a generator.",
    '    total = Decimal("0")\n    for currency, amount in sorted(positions.items()):\n        total += convert(amount, currency, reporting, rates)\n',
    '    total = sum(\n        (convert(amount, currency, reporting, rates) for currency, amount in sorted(positions.items())),\n        Decimal("0"),\n    )\n',
    "lambda r, m: m.revalue({ccy(r): D(r) for _ in range(r.randint(0, 4))}, rates(r), ccy(r))",
)

ref(
    "fx/convert.py",
    "fx_gain_loss",
    "money",
    "extract-helper",
    "extract nested helper `in_home_currency`",
    "fx_gain_loss: extract conversion helper",
    "Deduplicate the two conversions with a small local helper.",
    "    booked = (amount * booked_rate).quantize(minor_exponent(currency), rounding=ROUND_HALF_UP)\n    settled = (amount * settled_rate).quantize(minor_exponent(currency), rounding=ROUND_HALF_UP)\n",
    "    def in_home_currency(rate):\n        return (amount * rate).quantize(minor_exponent(currency), rounding=ROUND_HALF_UP)\n\n    booked = in_home_currency(booked_rate)\n    settled = in_home_currency(settled_rate)\n",
    "lambda r, m: m.fx_gain_loss(D(r), R(r) + 1, R(r) + 1, r.choice(['USD', 'JPY', 'KWD', 'eur', 'XXX']))",
)

ref(
    "loans/amortization.py",
    "Loan.schedule",
    "money",
    "conditional-expression",
    "`if/else` → conditional expression",
    "Loan.schedule: conditional expression",
    "Collapse the final-row special case into a conditional expression.",
    "            if period == self.term_months:\n                principal_part = balance\n            else:\n                principal_part = pmt - interest\n",
    "            principal_part = balance if period == self.term_months else pmt - interest\n",
    "lambda r, m: m.Loan(abs(D(r)), abs(R(r)), r.randint(-1, 48)).schedule()",
)

ref(
    "money/allocate.py",
    "allocate_by_ratio",
    "money",
    "simplify-sort-key",
    "sort key `(-(raw[i] - floors[i]), i)` → `floors[i] - raw[i]` (stable sort keeps index order on ties)",
    "allocate_by_ratio: simpler sort key",
    "`sorted` is stable and iterates indices in order, so the explicit index tie-breaker is redundant.",
    "key=lambda i: (-(raw[i] - floors[i]), i))",
    "key=lambda i: floors[i] - raw[i])",
    "lambda r, m: m.allocate_by_ratio(D(r), [r.randint(0, 7) for _ in range(r.randint(0, 7))])",
)

ref(
    "money/allocate.py",
    "percent_split",
    "money",
    "comprehension",
    "running total → comprehension + `sum()`",
    "percent_split: comprehension",
    "Build the leading shares with a comprehension and derive the last share from their sum.",
    '    shares = []\n    running = Decimal("0")\n    for pct in percents[:-1]:\n        share = (total * pct / 100).quantize(CENT, rounding=ROUND_HALF_UP)\n        shares.append(share)\n        running += share\n    shares.append(total - running)\n    return shares\n',
    '    shares = [(total * pct / 100).quantize(CENT, rounding=ROUND_HALF_UP) for pct in percents[:-1]]\n    shares.append(total - sum(shares, Decimal("0")))\n    return shares\n',
    "lambda r, m: m.percent_split(D(r), percents(r))",
)

ref(
    "money/allocate.py",
    "split_bill",
    "money",
    "restructure",
    "build the share list with the organiser's adjustment up front",
    "split_bill: build shares in one expression",
    "Construct the share list directly instead of mutating the first element.",
    "    shares = [each] * people\n    shares[0] += grand - each * people\n    return shares\n",
    "    others = [each] * (people - 1)\n    return [each + (grand - each * people)] + others\n",
    "lambda r, m: m.split_bill(D(r), r.randint(-1, 9), Decimal(r.choice(['0', '15', '18', '20', '12.5', '-5'])))",
)

ref(
    "billing/proration.py",
    "is_leap_year",
    "date",
    "restructure",
    "if-chain → single boolean expression (same checks, same order)",
    "is_leap_year: one-liner",
    "Express the Gregorian rule as a single boolean expression, keeping the 400/100/4 check order.",
    "    if year % 400 == 0:\n        return True\n    if year % 100 == 0:\n        return False\n    return year % 4 == 0\n",
    "    return year % 400 == 0 or (year % 100 != 0 and year % 4 == 0)\n",
    "lambda r, m: m.is_leap_year(r.choice([r.randint(-800, 3200), 1600, 1700, 1800, 1900, 2000, 2023, 2024, 2100, 2400, 0, -4, -100]))",
)

ref(
    "billing/proration.py",
    "billing_period",
    "date",
    "equivalent-arithmetic",
    "previous/next month via `divmod` on a month index",
    "billing_period: month arithmetic via divmod",
    "Replace the two conditional tuple expressions with month-index arithmetic.",
    "        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)\n        start = start_in(year, month)\n    year, month = (start.year, start.month + 1) if start.month < 12 else (start.year + 1, 1)\n    next_start = start_in(year, month)\n",
    "        year, month_index = divmod(today.year * 12 + today.month - 2, 12)\n        start = start_in(year, month_index + 1)\n    year, month_index = divmod(start.year * 12 + start.month, 12)\n    next_start = start_in(year, month_index + 1)\n",
    "lambda r, m: m.billing_period(r.choice([r.randint(1, 31), 1, 28, 29, 30, 31]), dt(r))",
)

ref(
    "ledger/interest.py",
    "year_fraction",
    "date",
    "merge-branches",
    "merge the ACT/360 and ACT/365 branches",
    "year_fraction: merge ACT branches",
    "The two actual-day conventions only differ in the denominator; handle them in one branch.",
    '    if convention == "ACT/360":\n        return Decimal((end - start).days) / 360\n    if convention == "ACT/365":\n        return Decimal((end - start).days) / 365\n',
    '    if convention in ("ACT/360", "ACT/365"):\n        actual_days = Decimal((end - start).days)\n        return actual_days / (360 if convention == "ACT/360" else 365)\n',
    "lambda r, m: (lambda s: m.year_fraction(s, near(r, s, -5, 800), r.choice(['ACT/360', 'ACT/365', '30/360', 'ACT/ACT'])))(dt(r))",
)

ref(
    "calendar_utils/schedules.py",
    "nth_weekday",
    "date",
    "extract-helper",
    "extract nested helper `in_month` for the month check",
    "nth_weekday: deduplicate month check",
    "Both branches performed the same validation; move it into a small local helper.",
    '    if n > 0:\n        first = date(year, month, 1)\n        offset = (weekday - first.weekday()) % 7\n        result = first + timedelta(days=offset + 7 * (n - 1))\n        if result.month != month:\n            raise ValueError("no such weekday in month")\n        return result\n    last = end_of_month(date(year, month, 1))\n    offset = (last.weekday() - weekday) % 7\n    result = last - timedelta(days=offset + 7 * (-n - 1))\n    if result.month != month:\n        raise ValueError("no such weekday in month")\n    return result\n',
    '    def in_month(candidate: date) -> date:\n        if candidate.month != month:\n            raise ValueError("no such weekday in month")\n        return candidate\n\n    if n > 0:\n        first = date(year, month, 1)\n        offset = (weekday - first.weekday()) % 7\n        return in_month(first + timedelta(days=offset + 7 * (n - 1)))\n    last = end_of_month(date(year, month, 1))\n    offset = (last.weekday() - weekday) % 7\n    return in_month(last - timedelta(days=offset + 7 * (-n - 1)))\n',
    "lambda r, m: m.nth_weekday(r.randint(1990, 2040), r.randint(1, 12), r.randint(0, 6), r.choice([-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6]))",
)

ref(
    "calendar_utils/schedules.py",
    "age_on",
    "date",
    "conditional-expression",
    "mutating `years` → single return with a named condition",
    "age_on: name the birthday condition",
    "Name the 'has had birthday this year' condition and return in one expression.",
    "    years = on.year - birth.year\n    if (on.month, on.day) < (birth.month, birth.day):\n        years -= 1\n    return years\n",
    "    had_birthday = (on.month, on.day) >= (birth.month, birth.day)\n    return on.year - birth.year - (0 if had_birthday else 1)\n",
    "lambda r, m: (lambda b: m.age_on(b, r.choice([dt(r), near(r, b, 300, 20000), b.replace(year=min(b.year + 20, 9999)) if (b.month, b.day) != (2, 29) else b])))(dt(r))",
)

ref(
    "calendar_utils/business_days.py",
    "add_business_days",
    "date",
    "rename",
    "rename locals `remaining` → `to_go`, `current` → `cursor`",
    "add_business_days: clearer local names",
    "Rename locals for readability.",
    "    remaining = abs(n)\n    current = start\n    while remaining > 0:\n        current += timedelta(days=step)\n        if is_business_day(current, hols):\n            remaining -= 1\n    return current\n",
    "    to_go = abs(n)\n    cursor = start\n    while to_go > 0:\n        cursor += timedelta(days=step)\n        if is_business_day(cursor, hols):\n            to_go -= 1\n    return cursor\n",
    "lambda r, m: (lambda s: m.add_business_days(s, r.randint(-25, 25), [near(r, s, -20, 20) for _ in range(r.randint(0, 5))]))(dt(r))",
)

ref(
    "calendar_utils/business_days.py",
    "observed",
    "date",
    "dict-dispatch",
    "if-chain → weekday shift table",
    "observed: table-driven weekend shift",
    "Replace the two weekday branches with a small shift table.",
    "    if d.weekday() == SATURDAY:\n        return d - timedelta(days=1)\n    if d.weekday() == SUNDAY:\n        return d + timedelta(days=1)\n    return d\n",
    "    shift = {SATURDAY: -1, SUNDAY: 1}.get(d.weekday(), 0)\n    return d + timedelta(days=shift)\n",
    "lambda r, m: m.observed(dt(r))",
)

ref(
    "calendar_utils/schedules.py",
    "add_months",
    "date",
    "divmod",
    "`//` and `%` → `divmod`",
    "add_months: use divmod",
    "Compute year carry and month with a single divmod.",
    "    year = d.year + month_index // 12\n    month = month_index % 12 + 1\n",
    "    years, month_offset = divmod(month_index, 12)\n    year = d.year + years\n    month = month_offset + 1\n",
    "lambda r, m: m.add_months(dt(r), r.randint(-40, 40))",
)

ref(
    "payroll/periods.py",
    "biweekly_pay_dates",
    "date",
    "equivalent-arithmetic",
    "conditional first date → `start + timedelta(days=-offset % 14)`",
    "biweekly_pay_dates: compute first pay date arithmetically",
    "Replace the conditional with modular arithmetic.",
    "    first = start if offset == 0 else start + timedelta(days=14 - offset)",
    "    first = start + timedelta(days=-offset % 14)",
    "lambda r, m: (lambda s: m.biweekly_pay_dates(near(r, s, -60, 60), s, near(r, s, -10, 90)))(dt(r))",
)
