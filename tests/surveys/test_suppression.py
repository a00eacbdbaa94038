"""Small numbers in segmented results cannot be worked out from the totals (issue 20).

The attacker here knows what a reader of the page knows: every visible number, the label
of each hidden cell ("weniger als 5": 0 to 4; "ausgeblendet": 5 or more), the total of
each column (the question's overall result), that a single-choice row adds up to its
answered count (a multiple-choice row: each option at most, all options together at least
the answered count) and how many municipalities a segment has. It tries every table that
fits all of that; a hidden cell is protected when it takes at least two values among them.
"""

import random
from itertools import product

import pytest

from surveys.suppression import (
    PROTECTING,
    SHOWN,
    SMALL,
    protect,
    protect_together,
    row_is_possible,
)

K = 5


def possible_values(rows, states, *, single_choice, limits=None, k=K):
    """{hidden cell: the set of values it takes in the tables that fit what is published}."""
    width = len(rows[0])
    totals = [sum(row[c] for row in rows) for c in range(width)]

    def candidates(r, c):
        state = states[r][c]
        if state == SHOWN:
            return [rows[r][c]]
        high = totals[c] if limits is None or c < width - 1 else min(totals[c], limits[r])
        return range(k) if state == SMALL else range(k, high + 1)

    row_options = []
    for r in range(len(rows)):
        choices = [
            list(values)
            for values in product(*(candidates(r, c) for c in range(width)))
            if row_is_possible(list(values), single_choice=single_choice)
        ]
        row_options.append(choices)

    # Sums of the rows before each row that fit the totals, and sums of the rows from each
    # row on; a row's option is possible when some sum before it and some after it meet it.
    def add(a, b):
        return tuple(x + y for x, y in zip(a, b, strict=True))

    def fits(total):
        return all(x <= t for x, t in zip(total, totals, strict=True))

    before = [{(0,) * width}]
    for options in row_options:
        before.append({add(p, o) for p in before[-1] for o in options if fits(add(p, o))})
    after = [set() for _ in row_options] + [{(0,) * width}]
    for r in reversed(range(len(rows))):
        after[r] = {add(o, s) for o in row_options[r] for s in after[r + 1] if fits(add(o, s))}
    seen = {}
    for r, options in enumerate(row_options):
        needed = {tuple(t - x for t, x in zip(totals, s, strict=True)) for s in after[r + 1]}
        for option in options:
            if any(add(p, option) in needed for p in before[r]):
                for c, value in enumerate(option):
                    if states[r][c] != SHOWN:
                        seen.setdefault((r, c), set()).add(value)
    return seen


def derivable(rows, states, **kwargs):
    """The hidden cells whose value can be worked out – except those of a column that adds
    up to 0, which the question's overall result gives away for every segment anyway."""
    values = possible_values(rows, states, **kwargs)
    hidden = [
        (r, c)
        for r in range(len(rows))
        for c in range(len(rows[0]))
        if states[r][c] != SHOWN and sum(row[c] for row in rows)
    ]
    return [cell for cell in hidden if len(values.get(cell, ())) < 2]


def primary_only(rows):
    return [[SMALL if value < K else SHOWN for value in row] for row in rows]


def random_table(rng, *, single_choice):
    height, options = rng.randint(2, 4), rng.randint(2, 3)
    rows = []
    for _ in range(height):
        answered = rng.choice([rng.randint(0, 6), rng.randint(5, 14)])
        if single_choice:
            counts = [0] * options
            for _ in range(answered):
                counts[rng.randrange(options)] += 1
        else:
            counts = [rng.randint(0, answered) for _ in range(options)]
            if answered and sum(counts) < answered:
                counts[0] += answered - sum(counts)
                counts[0] = min(counts[0], answered)
            if not row_is_possible([*counts, answered], single_choice=False):
                counts = [answered] * options
        rows.append([*counts, answered])
    return rows


def test_the_attacker_finds_a_small_cell_that_only_primary_suppression_hides():
    # 3 of 11 chose the first option in segment A: the column total minus B's 8 gives it.
    rows = [[3, 10, 13], [8, 9, 17]]
    assert derivable(rows, primary_only(rows), single_choice=True) == [(0, 0)]


def test_a_lone_small_answered_count_is_derivable_from_the_column_total():
    rows = [[6, 7, 13], [1, 2, 3], [9, 5, 14]]  # multiple choice: 3 answered in B
    assert (1, 2) in derivable(rows, primary_only(rows), single_choice=False)


@pytest.mark.parametrize("single_choice", [True, False])
def test_no_hidden_cell_of_a_protected_table_can_be_worked_out(single_choice):
    rng = random.Random(20 + single_choice)
    protected = 0
    for _ in range(100):
        rows = random_table(rng, single_choice=single_choice)
        limits = [row[-1] + rng.randint(0, 3) for row in rows]
        states = protect(rows, K, single_choice=single_choice, limits=limits)
        if states is None:
            continue
        hidden = sum(state != SHOWN for row in states for state in row)
        protected += hidden > 0
        assert all(
            (state == SMALL) == (value < K)
            for row, row_states in zip(rows, states, strict=True)
            for value, state in zip(row, row_states, strict=True)
            if state != PROTECTING
        ), "every cell under k and no other is hidden as small"
        assert derivable(rows, states, single_choice=single_choice, limits=limits) == [], (
            f"{rows} → {states}"
        )
    # The sample has tables with hidden cells (and a few shown whole, or not at all).
    assert protected > 60


def test_cells_hidden_to_protect_are_few_and_at_least_k():
    rows = [[3, 10, 13], [8, 9, 17], [12, 7, 19]]
    states = protect(rows, K, single_choice=True)
    hidden = {(r, c) for r, row in enumerate(states) for c, state in enumerate(row) if state}
    assert states[0][0] == SMALL
    protecting = [rows[r][c] for r, c in hidden if states[r][c] == PROTECTING]
    assert protecting and min(protecting) >= K
    assert len(hidden) == 4  # one rectangle: the small cell and three to protect it
    assert derivable(rows, states, single_choice=True) == []


def test_a_table_of_one_segment_with_a_small_cell_cannot_be_protected():
    assert protect([[3, 10, 13]], K, single_choice=True) is None
    assert protect([[6, 10, 16]], K, single_choice=True) == [[SHOWN, SHOWN, SHOWN]]


def test_a_segment_with_fewer_answers_than_k_is_hidden_entirely():
    rows = [[2, 1, 3], [9, 8, 17], [7, 10, 17]]
    states = protect(rows, K, single_choice=True)
    assert states[0] == [SMALL, SMALL, SMALL]
    assert derivable(rows, states, single_choice=True) == []


def test_a_column_nobody_chose_needs_no_protection():
    # Zeros everywhere in the second option: known from the overall result, shown as small.
    rows = [[12, 0, 12], [9, 0, 9], [7, 0, 7]]
    assert protect(rows, K, single_choice=True) == [[SHOWN, SMALL, SHOWN]] * 3


def test_an_answered_count_hidden_in_one_table_is_hidden_in_all():
    # Two required questions, the same answered counts per segment. Protected on its own,
    # B would show segment 0's 8 answers that A hides, and A's 4 and 4 would follow.
    a = [[4, 4, 8], [0, 8, 8], [6, 6, 12]]
    b = [[8, 0, 8], [1, 7, 8], [2, 10, 12]]
    alone = protect(b, K, single_choice=True)
    assert protect(a, K, single_choice=True)[0][-1] != SHOWN and alone[0][-1] == SHOWN
    together = protect_together([(a, True), (b, True)], K)
    answered_hidden = [
        {r for r, row in enumerate(states) if row[-1] != SHOWN} for states in together if states
    ]
    assert len(answered_hidden) == 2 and answered_hidden[0] == answered_hidden[1]
    for rows, states in zip([a, b], together, strict=True):
        assert derivable(rows, states, single_choice=True) == []


def test_a_question_nobody_answered_forces_nothing():
    answered = [[12, 1, 13], [9, 0, 9], [7, 0, 7]]
    nobody = [[0, 0, 0], [0, 0, 0], [0, 0, 0]]
    alone = protect(answered, K, single_choice=True)
    assert protect_together([(answered, True), (nobody, True)], K)[0] == alone
