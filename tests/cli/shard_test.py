#!/usr/bin/env python3
"""Sharded sweeps (docs/cluster.md): `check --shard i/k` for k = 3, with one shard killed half-way
(its shard file cut to half its lines, the way SIGKILL leaves it) and rerun, then a run without
--shard, must write the JSON lines and tables of a plain single-machine run byte for byte and
compute nothing more. Standard library only.

    shard_test.py FREELUNCH_EXE SCRATCH_DIR
"""
import filecmp
import glob
import os
import shutil
import subprocess
import sys

exe, scratch = sys.argv[1], sys.argv[2]
shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(scratch)
ids = ["t3", "l1"]


def check(out, *extra):
    r = subprocess.run([exe, "check", *ids, "--out", os.path.join(scratch, out), "--tables", os.path.join(scratch, out + "-tables"),
                        "--quiet", *extra], capture_output=True, text=True)
    assert r.returncode == 0, (extra, r.returncode, r.stdout, r.stderr)
    return r


check("plain")
check("sharded", "--shard", "0/3")
# Shard 1 killed half-way: its file keeps the first half of its lines.
check("sharded", "--shard", "1/3")
for path in glob.glob(os.path.join(scratch, "sharded", ".store", "*.shard-1-of-3")):
    with open(path) as f:
        lines = f.readlines()
    with open(path, "w") as f:
        f.writelines(lines[: len(lines) // 2])
resumed = check("sharded", "--shard", "1/3")
assert "computed" in resumed.stdout and "found" in resumed.stdout, resumed.stdout
check("sharded", "--shard", "2/3")
merged = check("sharded")
for proof in ids:  # the merge computes nothing: every instance comes from a shard
    assert f"{proof}: reused" in merged.stderr, merged.stderr
for out in ["plain", "plain-tables"]:
    other = out.replace("plain", "sharded")
    names = sorted(n for n in os.listdir(os.path.join(scratch, out)) if not n.startswith("."))
    assert names == sorted(n for n in os.listdir(os.path.join(scratch, other)) if not n.startswith(".")), (names, out)
    match, mismatch, errors = filecmp.cmpfiles(os.path.join(scratch, out), os.path.join(scratch, other), names, shallow=False)
    assert not mismatch and not errors, (mismatch, errors)
# A bad shard is a one-line usage error.
for bad in ["3/3", "1", "-1/3", "1/0", "a/b", "0/65537"]:
    r = subprocess.run([exe, "check", "l1", "--out", os.path.join(scratch, "bad"), "--quiet", "--shard", bad], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--shard '" + bad + "'" in r.stderr, (bad, r.returncode, r.stderr)
print("sharded runs equal the plain run byte for byte")
