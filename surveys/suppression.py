"""Small numbers in a table of counts, hidden so that they cannot be worked out again
(issue 20: results by segment).

A table here is what a segmented result shows: one row per segment (a Landkreis, a kind of
municipality, a size class), one column per option of a question and a last column with
the number of the segment's municipalities that answered it. The totals of each column are
public anyway – they are the question's overall result. For a single-choice question each
row's options add up to its last column.

Every cell under `k` is hidden as "weniger als k" (primary suppression), zeros included:
"none of the five municipalities of this Landkreis" is a statement about each of them.
Then cells are hidden to protect them (complementary suppression) until each hidden cell
lies in a *move*: a change of two rows and two columns, +1 and −1 in turn, after which
the table still has every published total, every visible number and a value in every
hidden cell that its label allows (0 to k − 1 under "weniger als k", at least k under
"ausgeblendet"). Such a move is another table that a reader cannot tell from the true one,
in which the hidden cell has another value: nobody can derive it from the totals. (A column
that adds up to 0 needs no protection: that nobody chose the option anywhere is the
question's overall result.) This is
the hypercube method that statistical offices use for two-dimensional tables (τ-ARGUS),
in its simplest form; it hides more than an optimal method would, never less.
"""

from itertools import product

SHOWN, SMALL, PROTECTING = "", "small", "protecting"


def protect_together(tables, k, *, limits=None):
    """protect() for the tables of one breakdown – [(rows, single_choice)], one per
    question, with the same segments – so that a segment's answered count is hidden in all
    of them or in none: a required question's answered count is the same in every table,
    and shown in one it would give away the small cells of another."""
    forced = set()
    while True:
        states = [
            protect(rows, k, single_choice=single, limits=limits, hidden_answered=forced)
            for rows, single in tables
        ]
        hidden = set(forced)
        for (rows, _single), table in zip(tables, states, strict=True):
            # A question nobody answered gives nothing away: its zeros are public.
            if table is not None and sum(row[-1] for row in rows):
                hidden |= {r for r, row in enumerate(table) if row and row[-1] != SHOWN}
        if hidden == forced:
            return states
        forced = hidden


def protect(rows, k, *, single_choice, limits=None, hidden_answered=()):
    """The state of each cell of `rows` (lists of counts, the answered count last): SHOWN,
    SMALL (under k) or PROTECTING (hidden so that others cannot be derived); None when
    no pattern protects the small cells (a table of one row, say), and the table must not
    be shown at all. `limits`: how many municipalities each segment has (public in the
    directory), the most that can have answered; `hidden_answered`: the rows whose answered
    count is hidden in any case (protect_together())."""
    states = [[SMALL if value < k else SHOWN for value in row] for row in rows]
    for r in hidden_answered:
        if states[r][-1] == SHOWN:
            states[r][-1] = PROTECTING
    table = _Table(rows, states, k, single_choice, limits)
    for cell in table.hidden_cells():
        if table.totals[cell[1]] == 0:
            continue  # nobody chose it anywhere: the overall result says so already
        if any(table.feasible(move) for move in table.moves_through(cell, hidden_only=True)):
            continue
        best = None
        for move in table.moves_through(cell):
            newly = [(r, c) for (r, c) in move if states[r][c] == SHOWN]
            if not table.feasible(move, also_hidden=newly):
                continue
            cost = (len(newly), sum(rows[r][c] for r, c in newly))
            if best is None or cost < best[0]:
                best = (cost, newly)
        if best is None:
            return None
        for r, c in best[1]:
            states[r][c] = PROTECTING
    return states


class _Table:
    def __init__(self, rows, states, k, single_choice, limits):
        self.rows, self.states, self.k, self.single_choice = rows, states, k, single_choice
        self.limits = limits
        self.height = len(rows)
        self.width = len(rows[0]) if rows else 0
        self.answered = self.width - 1  # the column of the answered count
        self.totals = [sum(row[c] for row in rows) for c in range(self.width)]

    def hidden_cells(self):
        return [
            (r, c)
            for r, c in product(range(self.height), range(self.width))
            if self.states[r][c] != SHOWN
        ]

    def moves_through(self, cell, *, hidden_only=False):
        """The moves that change `cell`, as {cell: +1 or −1}; with `hidden_only`, only those
        of hidden cells."""
        r, c = cell
        states = self.states
        for other_row in range(self.height):
            if other_row == r or hidden_only and not states[other_row][c]:
                continue
            for other_column in range(self.width):
                if other_column == c:
                    continue
                if hidden_only and not (
                    states[r][other_column] and states[other_row][other_column]
                ):
                    continue
                for sign in (1, -1):
                    yield self._move(r, c, other_row, other_column, sign)
            if c == self.answered and not self.single_choice:
                # Without a sum per row, two answered counts can trade one with each other.
                for sign in (1, -1):
                    move = {(r, c): sign, (other_row, c): -sign}
                    if not hidden_only or self.states[other_row][c]:
                        yield move

    def _move(self, r, c, other_row, other_column, sign):
        # Columns of options trade in turn; the answered count goes with its row's option
        # (that keeps a single-choice row adding up and each option within the answered).
        if self.answered in (c, other_column):
            return {
                (r, c): sign,
                (r, other_column): sign,
                (other_row, c): -sign,
                (other_row, other_column): -sign,
            }
        return {
            (r, c): sign,
            (r, other_column): -sign,
            (other_row, c): -sign,
            (other_row, other_column): sign,
        }

    def feasible(self, move, also_hidden=()):
        """Whether the table changed by `move` is one a reader cannot tell from the true
        one (with the cells `also_hidden` hidden to protect)."""
        changed = {}
        for (r, c), delta in move.items():
            state = PROTECTING if (r, c) in also_hidden else self.states[r][c]
            value = self.rows[r][c] + delta
            if state == SHOWN or value < 0:
                return False
            if state == SMALL and value >= self.k or state == PROTECTING and value < self.k:
                return False
            if c == self.answered and self.limits is not None and value > self.limits[r]:
                return False
            changed[(r, c)] = value
        for r in {r for r, _c in move}:
            row = [changed.get((r, c), value) for c, value in enumerate(self.rows[r])]
            if not row_is_possible(row, single_choice=self.single_choice):
                return False
        return True


def row_is_possible(row, *, single_choice):
    """Whether a row of option counts with the answered count last can be a real one:
    a single-choice answer is one option, a multiple-choice answer at least one."""
    options, answered = row[:-1], row[-1]
    if single_choice:
        return sum(options) == answered
    return max(options, default=0) <= answered <= sum(options)
