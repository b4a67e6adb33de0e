"""freelunch from Python: the engine of the `freelunch` command line as a module.

Every function runs the corresponding command in process and returns what its ``--json`` prints,
as Python objects: the same keys and the same numbers (exact values are strings "p/q", as in the
CLI's JSON). Nothing is computed twice: the module is a thin layer over the C++ library.

    >>> import freelunch
    >>> r = freelunch.scan([0.5] * 4, [[1]] * 4, [[1]] * 4, [1, 0, 0, 0], precision="fp16")
    >>> r.outputs
    array([1.    , 0.5   , 0.25  , 0.125 ])

Errors the command line reports in one line (an unknown precision, a malformed layer) raise
ValueError with that line. Long calls release the GIL; Ctrl-C raises KeyboardInterrupt within a
fraction of a second. See docs/python.md.
"""
from __future__ import annotations

import json as _json
import os as _os
import tempfile as _tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable, Optional, Sequence, Union

from . import _freelunch
from . import torch  # freelunch.torch.export_channel; imports PyTorch only when called

__version__ = _freelunch.__version__
__all__ = ["precisions", "parse_precision", "scan", "ScanResult", "eval", "copy", "cot", "check", "run", "to_fraction", "torch"]


def run(*args: str, stdin: Optional[str] = None) -> tuple[int, list[dict]]:
    """Runs ``freelunch ARGS...`` in process; returns (exit code, the JSON objects it printed).

    The arguments are those of the command line (add ``--json`` for the objects). ``stdin`` is the
    text a layer argument ``-`` reads.
    """
    code, out = _freelunch.run([str(a) for a in args], stdin)
    text = out.decode("utf-8", errors="replace")
    return code, [_json.loads(line) for line in text.splitlines() if line.strip()]


def _single(*args: str, stdin: Optional[str] = None) -> tuple[int, dict]:
    code, objects = run(*args, stdin=stdin)
    if len(objects) != 1:
        raise RuntimeError(f"freelunch {' '.join(args)}: expected one JSON object, got {len(objects)}")
    return code, objects[0]


def _precision_list(precision: Union[str, Iterable[str], None]) -> Optional[str]:
    if precision is None:
        return None
    if isinstance(precision, str):
        return precision
    return ",".join(str(p) for p in precision)


def _options(**options: Any) -> list[str]:
    """Keyword arguments as command-line options: foo_bar=1 -> --foo-bar 1, True -> a flag, None -> left out."""
    out: list[str] = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if value is True:
            out.append(flag)
        elif isinstance(value, (list, tuple)):
            out += [flag, ",".join(str(v) for v in value)]
        else:
            out += [flag, str(value)]
    return out


# --- arithmetics -------------------------------------------------------------------------------


def precisions() -> list[dict]:
    """Every named arithmetic, as ``freelunch precisions --json`` lists them."""
    return _single("precisions", "--json")[1]["precisions"]


def parse_precision(name: str) -> dict:
    """Describes one precision name (``fp16``, ``mpfr113``, ``fix16.16``, ``interval128``, ...).

    An unknown name raises ValueError with the command line's message (which lists the valid forms).
    """
    if not isinstance(name, str):
        raise TypeError(f"parse_precision: expected a str, got {type(name).__name__}")
    return _single("precisions", "--json", "--", name)[1]["precisions"][0]


# --- numbers -----------------------------------------------------------------------------------


def to_fraction(text: str) -> Fraction:
    """An exact value as the JSON writes it ("p/q" or an integer) as a Fraction."""
    return Fraction(text)


def _exact_number(x: Any) -> Any:
    """A number for the layer JSON, keeping its exact value: Fractions as "p/q", integers as
    themselves, binary floats (Python, NumPy float16/32/64) as the JSON number that reads back
    as exactly that binary value, strings as the decimal or fraction they spell."""
    if isinstance(x, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(x, Fraction):
        return f"{x.numerator}/{x.denominator}"
    if isinstance(x, int):
        return x if -(2**63) <= x < 2**63 else str(x)
    if isinstance(x, str):
        return x
    if isinstance(x, float):
        # repr round-trips; inf and nan go through as strings so the command refuses them by name
        return x if x == x and abs(x) != float("inf") else repr(x)
    try:  # NumPy scalars and anything else with an exact float or int value
        import numpy as np

        if isinstance(x, np.integer):
            return _exact_number(int(x))
        if isinstance(x, np.floating):
            return _exact_number(float(x))  # float16/32 -> float64 is exact
    except ImportError:
        pass
    if hasattr(x, "numerator") and hasattr(x, "denominator"):
        return _exact_number(Fraction(x.numerator, x.denominator))
    raise TypeError(f"not a number: {x!r}")


def _exact_array(xs: Any) -> Any:
    if hasattr(xs, "tolist") and not isinstance(xs, (str, bytes)):
        xs = xs.tolist()  # NumPy: float32 elements become the Python floats of the same value
    if isinstance(xs, (list, tuple)):
        return [_exact_array(x) for x in xs]
    return _exact_number(xs)


def _output_value(text: Any) -> Any:
    """One output of the JSON: "p/q" -> Fraction, "inf"/"nan" -> float, [lo, hi] -> tuple."""
    if isinstance(text, list):
        return tuple(_output_value(t) for t in text)
    try:
        return Fraction(text)
    except ValueError:
        return float(text)  # inf, -inf, nan


def _as_float_array_if_exact(values: list) -> Any:
    """A NumPy float64 array when every value is a binary64 number exactly, else None. Without
    NumPy (an interpreter that does not have it), a list of those floats."""
    out = []
    for v in values:
        if isinstance(v, float):  # non-finite
            out.append(v)
            continue
        f = float(v)
        if Fraction(f) != v:
            return None
        out.append(f)
    try:
        import numpy as np
    except ImportError:
        return out
    return np.array(out, dtype=np.float64)


# --- scan --------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    """One selective scan in one arithmetic, against the exact reference.

    outputs: NumPy float64 when every output is a binary64 number (all emulated formats up to
    fp64, fixed point; a list of floats where NumPy is not installed); a list of Fractions for ``exact`` and when an output has more bits (mpfr113);
    a list of (lo, hi) Fraction pairs for intervals. max_deviation is exact (a Fraction);
    first_deviation_step is 1-based, None when no output deviates. raw is the ``eval --json`` object.
    """

    precision: str
    semantics: str
    outputs: Any
    flags: str
    max_deviation: Fraction
    first_deviation_step: Optional[int]
    raw: dict = field(repr=False)


def scan(a: Any, b: Any, c: Any, u: Any, precision: str = "fp16", semantics: str = "per-op,sequential",
         D: Any = None) -> ScanResult:
    """Evaluates h_t = a_t * h_(t-1) + b_t u_t, y_t = c_t . h_t (+ D u_t) in one arithmetic.

    a: N decays (scalar decay) or N x n (one per state entry); b, c: N x n; u: N inputs. Numbers
    may be NumPy arrays (read as their exact binary values), Python floats, ints, Fractions or
    strings ("0.1" is exactly 1/10). The reference is exact, so max_deviation is exact.
    """
    layer: dict = {"scan": {"a": _exact_array(a), "b": _exact_array(b), "c": _exact_array(c)}, "input": _exact_array(u)}
    if D is not None:
        layer["scan"]["D"] = _exact_number(D)
    result = eval(layer, precision=[precision], semantics=semantics, ranks=False)
    row = result["results"][-1]  # the reference first, then the runs: the last is the one asked for
    values = [_output_value(t) for t in row["outputs"]]
    if row["enclosure"]:
        outputs: Any = values
    elif row["reference"] and row["exact_path"] is not None:
        outputs = values  # exact: Fractions
    else:
        as_floats = _as_float_array_if_exact(values)
        outputs = as_floats if as_floats is not None else values
    return ScanResult(
        precision=row["precision"],
        semantics=result["semantics"],
        outputs=outputs,
        flags=row["flags"],
        max_deviation=Fraction(row["max_deviation"]),
        first_deviation_step=row["first_deviation_step"],
        raw=result,
    )


# --- the commands ------------------------------------------------------------------------------


def eval(layer: Union[dict, str, "_os.PathLike[str]"], precision: Union[str, Sequence[str], None] = None,
         schedule: Optional[str] = None, semantics: Optional[str] = None, ranks: bool = True,
         max_rank_length: Optional[int] = None, max_memory: Optional[str] = None,
         max_time: Optional[str] = None) -> dict:
    """``freelunch eval``: a layer (a dict in the layer-JSON form of docs/layer-json.md, or a path)
    evaluated per arithmetic; returns the ``eval --json`` object ("file" is "-" for a dict).
    max_time ("90s", "10m", "2h"; default 10 minutes) caps the estimated and the actual time: over
    it, ValueError naming the estimate."""
    args = ["eval"]
    stdin = None
    if isinstance(layer, dict):
        args.append("-")
        stdin = _json.dumps(layer)
    else:
        args.append(_os.fspath(layer))
    args += _options(precision=_precision_list(precision), schedule=schedule, semantics=semantics,
                     max_rank_length=max_rank_length, max_memory=max_memory, max_time=max_time, no_ranks=not ranks)
    return _single(*args, "--json", stdin=stdin)[1]


def copy(L: int, schedule: str = "full", **options: Any) -> dict:
    """``freelunch copy --L L --schedule S [options]``: the copy construction per arithmetic.
    Options as on the command line: state, shift, decay, split, precision (str or list), values,
    semantics, seed."""
    if "precision" in options:
        options["precision"] = _precision_list(options["precision"])
    return _single("copy", *_options(L=L, schedule=schedule, **options), "--json")[1]


def cot(problem: str, input: Optional[Sequence[int]] = None, random: Optional[int] = None, **options: Any) -> dict:
    """``freelunch cot PROBLEM``: a DP problem solved with chain of thought (one of ``input`` or
    ``random``); options p, seed, model, precision, semantics as on the command line."""
    return _single("cot", problem, *_options(input=list(input) if input is not None else None, random=random, **options), "--json")[1]


def check(ids: Union[str, Sequence[str]], grid: str = "quick", jobs: int = 2, out: Optional[str] = None,
          tables: Optional[str] = None, falsify: bool = False, **options: Any) -> dict:
    """``freelunch check IDS``: runs theorems on their grid; returns the ``check --json`` object
    (per theorem every record of its JSON lines, and whether every check holds).

    The JSON lines, results store and tables go to ``out`` and ``tables``; when not given, to a
    temporary directory removed afterwards (so nothing is reused between calls). Options: seed,
    precision, semantics, fresh."""
    id_list = [ids] if isinstance(ids, str) else list(ids)
    if "precision" in options:
        options["precision"] = _precision_list(options["precision"])
    with _tempfile.TemporaryDirectory(prefix="freelunch-") as scratch:
        args = ["check", *id_list, *_options(grid=grid, jobs=jobs, out=out or _os.path.join(scratch, "out"),
                                             tables=tables or _os.path.join(scratch, "tables"), falsify=falsify, quiet=True, **options)]
        return _single(*args, "--json")[1]
