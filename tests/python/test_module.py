"""The Python module against the command line: for the same input, the same JSON (identical
values), the errors the CLI reports as ValueError with its one-line message, and Ctrl-C as
KeyboardInterrupt with the library usable afterwards."""
import json
import os
import signal
import threading
from fractions import Fraction

import numpy as np
import pytest

import freelunch

EXAMPLE_SCAN = "s2-scalar-scan.json"
EXAMPLE_MAMBA = "mamba-channel.json"


# --- precisions --------------------------------------------------------------------------------


def test_precisions_equal_the_cli(cli):
    code, objects, _ = cli("precisions", "--json")
    assert code == 0
    assert freelunch.precisions() == objects[0]["precisions"]
    names = [p["name"] for p in freelunch.precisions()]
    assert {"exact", "fp32", "bf16", "fp16", "e4m3"} <= set(names)


def test_parse_precision_describes_one_name(cli):
    for name in ("fp16", "bf16", "e4m3", "mpfr113", "interval128", "fix16.16", "f5.2", "fp32:mpfr"):
        code, objects, _ = cli("precisions", name, "--json")
        assert code == 0 and freelunch.parse_precision(name) == objects[0]["precisions"][0]
    p = freelunch.parse_precision("fp16")
    assert p["name"] == "fp16" and p["significand_bits"] == "11" and p["max_finite"] == "65504"
    assert freelunch.parse_precision("fix16.16")["name"] == "fix16.16"
    assert freelunch.parse_precision("mpfr113")["significand_bits"] == "113"


def test_parse_precision_error_is_the_cli_line(cli):
    code, _, stderr = cli("precisions", "--json", "--", "fp99")
    assert code == 2
    with pytest.raises(ValueError) as e:
        freelunch.parse_precision("fp99")
    assert stderr.strip() == "freelunch: error: " + str(e.value)
    assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="unknown precision '--json'"):
        freelunch.parse_precision("--json")  # a name is never taken for an option
    with pytest.raises(TypeError):
        freelunch.parse_precision(16)


# --- scan --------------------------------------------------------------------------------------


def test_scan_of_the_readme_example():
    r = freelunch.scan([0.5] * 4, [[1]] * 4, [[1]] * 4, [1, 0, 0, 0], precision="fp16")
    assert isinstance(r.outputs, np.ndarray) and r.outputs.dtype == np.float64
    assert r.outputs.tolist() == [1.0, 0.5, 0.25, 0.125]
    assert r.max_deviation == 0 and r.first_deviation_step is None
    assert r.precision == "fp16" and r.semantics == "per-op, sequential, storage=compute"


def test_scan_exact_gives_fractions_and_intervals_give_pairs():
    a, b, c, u = [Fraction(1, 3)] * 3, [[1]] * 3, [[1]] * 3, [1, 1, 1]
    exact = freelunch.scan(a, b, c, u, precision="exact")
    assert exact.outputs == [Fraction(1), Fraction(4, 3), Fraction(13, 9)]
    enclosed = freelunch.scan(a, b, c, u, precision="interval64")
    for (lo, hi), y in zip(enclosed.outputs, exact.outputs):
        assert lo <= y <= hi
    assert enclosed.outputs[0] == (1, 1) and all(lo < hi for lo, hi in enclosed.outputs[1:])  # 1/3 is not a binary number
    # 1/3 in fp16 is not 1/3: the deviation is exact and positive, first at step 2
    rounded = freelunch.scan(a, b, c, u, precision="fp16")
    assert rounded.max_deviation > 0 and rounded.first_deviation_step == 2


def test_scan_equals_eval_of_the_same_layer(cli, tmp_path):
    rng = np.random.default_rng(7)
    N, n = 24, 3
    a = rng.uniform(0.8, 1.0, N).astype(np.float32)
    b = rng.uniform(-1, 1, (N, n)).astype(np.float32)
    c = rng.uniform(-1, 1, (N, n)).astype(np.float32)
    u = rng.uniform(-1, 1, N).astype(np.float32)
    r = freelunch.scan(a, b, c, u, precision="bf16", D=0.5)
    layer = {"scan": {"a": a.tolist(), "b": b.tolist(), "c": c.tolist(), "D": 0.5}, "input": u.tolist()}
    path = tmp_path / "layer.json"
    path.write_text(json.dumps(layer))
    code, objects, _ = cli("eval", path, "--precision", "bf16", "--no-ranks", "--json")
    assert code == 0
    row = objects[0]["results"][-1]
    assert row["precision"] == "bf16"
    assert [str(Fraction(y)) for y in r.outputs] == [str(Fraction(t)) for t in row["outputs"]]
    assert r.max_deviation == Fraction(row["max_deviation"])
    assert r.first_deviation_step == row["first_deviation_step"]
    assert r.flags == row["flags"]


# Independent loops in THEORY's order: h_k = a_t h_k + b_tk u_t (two products, one sum),
# y_t = c_t . h_t left to right, then + D u_t; every operation rounded once.
def loop(a, b, c, u, D, rnd):
    N, n = b.shape
    h = [rnd(0.0)] * n
    y = []
    for t in range(N):
        at, ut = rnd(a[t]), rnd(u[t])
        for k in range(n):
            h[k] = rnd(rnd(at * h[k]) + rnd(rnd(b[t, k]) * ut))
        out = rnd(rnd(c[t, 0]) * h[0])
        for k in range(1, n):
            out = rnd(out + rnd(rnd(c[t, k]) * h[k]))
        if D is not None:
            out = rnd(out + rnd(rnd(D) * ut))
        y.append(float(out))
    return y


def float16_round(x):
    # NumPy float16 arithmetic rounds once from the exact result for one + or * of float16 values
    # (it computes in float32, which holds the exact product and rounds sums at most once before:
    # 24 >= 2 * 11 + 2 bits, so the double rounding is innocuous); here every value passed is a
    # float64 holding an exact product or sum of float16 values, rounded once to float16.
    return np.float16(x)


def bf16_round(x):
    """x (a float64 value) to bf16, nearest with ties to even, on the binary64 bit pattern; the
    result as float32 (exactly). Only the normal range (as the values here)."""
    x = float(x)
    if x == 0:
        return np.float32(x)
    assert 2.0**-126 <= abs(x) < 2.0**128
    bits = np.array([x], dtype=np.float64).view(np.uint64)[0].item()
    cut = 52 - 7
    lsb = (bits >> cut) & 1
    bits = (bits + (1 << (cut - 1)) - 1 + lsb) & ~((1 << cut) - 1)
    return np.float32(np.array([bits], dtype=np.uint64).view(np.float64)[0])


def random_layer(seed, N, n):
    # k/2^10 grid: every product and sum of two such values, rounded to 11 or 8 bits, stays far
    # from binary64's limits, so the float64 intermediates above are exact
    rng = np.random.default_rng(seed)
    a = rng.integers(900, 1024, N) / 1024
    b, c = rng.integers(-1024, 1025, (N, n)) / 1024, rng.integers(-1024, 1025, (N, n)) / 1024
    u = rng.integers(-1024, 1025, N) / 1024
    return a, b, c, u


@pytest.mark.parametrize("seed,N,n,D", [(1, 40, 1, None), (2, 64, 4, 0.375), (3, 100, 3, None)])
def test_fp16_scan_bit_for_bit_against_numpy_float16(seed, N, n, D):
    a, b, c, u = random_layer(seed, N, n)
    r = freelunch.scan(a, b, c, u, precision="fp16", D=D)
    expected = loop(a, b, c, u, D, lambda x: np.float64(float16_round(x)))
    assert r.outputs.tolist() == expected


@pytest.mark.parametrize("seed,N,n,D", [(4, 40, 1, None), (5, 64, 4, -0.75), (6, 100, 3, None)])
def test_bf16_scan_bit_for_bit_against_bit_rounded_floats(seed, N, n, D):
    a, b, c, u = random_layer(seed, N, n)
    r = freelunch.scan(a, b, c, u, precision="bf16", D=D)
    expected = loop(a, b, c, u, D, lambda x: np.float64(bf16_round(x)))
    assert r.outputs.tolist() == expected


def test_the_loops_can_tell_formats_apart():
    a, b, c, u = random_layer(2, 64, 4)
    fp16 = loop(a, b, c, u, None, lambda x: np.float64(float16_round(x)))
    bf16 = loop(a, b, c, u, None, lambda x: np.float64(bf16_round(x)))
    assert fp16 != bf16
    assert freelunch.scan(a, b, c, u, precision="fp16").outputs.tolist() != bf16


# --- the commands against the CLI ----------------------------------------------------------------


@pytest.mark.parametrize("example,precisions", [(EXAMPLE_SCAN, "exact,fp32,bf16,fp16"), (EXAMPLE_MAMBA, "fp32,bf16")])
def test_eval_equals_the_cli(cli, examples, example, precisions):
    path = os.path.join(examples, example)
    code, objects, _ = cli("eval", path, "--precision", precisions, "--json")
    mine = freelunch.eval(path, precision=precisions.split(","))
    assert mine == objects[0]
    # a dict gives the same object but for "file"
    with open(path) as f:
        from_dict = freelunch.eval(json.load(f), precision=precisions)
    assert from_dict["file"] == "-"
    from_dict["file"] = path
    assert from_dict == objects[0]


def test_eval_schedule_failure_is_data_not_an_exception(cli, examples):
    path = os.path.join(examples, "t3-slot-copy.json")
    code, objects, _ = cli("eval", path, "--precision", "e4m3", "--no-ranks", "--json")
    mine = freelunch.eval(path, precision="e4m3", ranks=False)
    assert mine == objects[0]
    assert mine["schedule_holds"] is (code == 0)


def test_copy_equals_the_cli(cli):
    code, objects, _ = cli("copy", "--L", 6, "--schedule", "reverse", "--precision", "exact,fp16,bf16", "--json")
    assert freelunch.copy(6, schedule="reverse", precision=["exact", "fp16", "bf16"]) == objects[0]


def test_cot_equals_the_cli(cli):
    code, objects, _ = cli("cot", "lis", "--input", "3,1,4,1,5,9,2,6", "--json")
    assert freelunch.cot("lis", input=[3, 1, 4, 1, 5, 9, 2, 6]) == objects[0]
    code, objects, _ = cli("cot", "kadane", "--random", 12, "--seed", 3, "--precision", "fp32", "--json")
    assert freelunch.cot("kadane", random=12, seed=3, precision="fp32") == objects[0]


def test_check_equals_the_cli_and_its_json_lines(cli, tmp_path):
    code, objects, _ = cli("check", "l1", "--quiet", "--out", tmp_path / "cli", "--tables", tmp_path / "cli-tables", "--json")
    assert code == 0
    mine = freelunch.check("l1", jobs=1, out=str(tmp_path / "py"), tables=str(tmp_path / "py-tables"))
    assert mine == objects[0] and mine["holds"] is True
    with open(tmp_path / "py" / "l1.jsonl") as f:
        lines = [json.loads(line) for line in f]
    assert mine["proofs"][0]["records"] == lines
    falsify = freelunch.check(["l1"], falsify=True)
    assert falsify["all_rejected"] is True and falsify["rejected"] == falsify["total"] > 0


# --- errors --------------------------------------------------------------------------------------


def test_bad_input_is_a_value_error_with_the_cli_line(cli, tmp_path):
    layer = {"scan": {"a": [0.5], "b": [[1]], "c": [[1]]}, "input": [1], "extra": 1}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(layer))
    _, _, stderr = cli("eval", path, "--json")
    with pytest.raises(ValueError) as e:
        freelunch.eval(str(path))
    assert stderr.strip() == "freelunch: error: " + str(e.value)
    with pytest.raises(ValueError, match=r"^<stdin>: /extra"):
        freelunch.eval(layer)
    with pytest.raises(ValueError, match="unknown precision"):
        freelunch.scan([0.5], [[1]], [[1]], [1], precision="fp17")
    with pytest.raises(ValueError, match="/scan/a/0"):
        freelunch.scan([float("nan")], [[1]], [[1]], [1])
    with pytest.raises(ValueError, match="/input"):
        freelunch.scan([0.5, 0.5], [[1], [1]], [[1], [1]], [1])
    with pytest.raises(TypeError):
        freelunch.scan([0.5], [[1]], [[1]], [object()])
    with pytest.raises(ValueError, match="--L"):
        freelunch.copy(0)
    with pytest.raises(ValueError):
        freelunch.check("t99")


def test_ctrl_c_raises_keyboard_interrupt_and_the_library_still_works():
    # An exact chain of thought for LIS at T = 4096 takes about 20 s; Ctrl-C half a second in must end it.
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            freelunch.cot("lis", random=4096, precision="exact")
    finally:
        timer.cancel()
    assert freelunch.scan([0.5] * 4, [[1]] * 4, [[1]] * 4, [1, 0, 0, 0], precision="fp16").outputs.tolist() == [1.0, 0.5, 0.25, 0.125]
