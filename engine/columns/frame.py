"""The month's units as columns: what the columnar reader hands the columnar scorer.

numpy is imported here, so only a command that scores imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.generic]


@dataclass(frozen=True, slots=True, eq=False)
class Columns:
    """Every unit's input values, one array per input id, in the order the rows were read.

    Integer inputs are int64 arrays (the row path's Python ints), number and
    percent inputs float64 (its floats), text inputs object arrays of str.
    `rows` is each unit's line (CSV) or sheet row, as `Record.row` holds it.
    """

    n: int
    rows: npt.NDArray[np.int64]
    values: Mapping[str, Array]
