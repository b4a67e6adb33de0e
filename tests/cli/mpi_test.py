#!/usr/bin/env python3
"""--mpi (docs/cluster.md): `mpirun -np 3 freelunch check IDS --mpi` must print the stdout and write
the JSON lines and tables of a plain single-process run byte for byte; a worker killed with SIGKILL
during a sweep ends the job, and the same command run again computes only what the store lacks
and writes the same bytes. Standard library only.

    mpi_test.py FREELUNCH_EXE MPIRUN SCRATCH_DIR
"""
import filecmp
import glob
import os
import shutil
import signal
import subprocess
import sys
import time

exe, mpirun, scratch = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(scratch)
# As root (CI), OpenMPI wants both flags; --oversubscribe: more ranks than cores.
MPIRUN = [mpirun, "--oversubscribe", "--allow-run-as-root", "--mca", "btl", "self,vader", "-np"]
env = dict(os.environ, OMPI_MCA_rmaps_base_oversubscribe="1")


def command(out, ids, *extra):
    return [exe, "check", *ids, "--out", os.path.join(scratch, out), "--tables", os.path.join(scratch, out + "-tables"), "--quiet", *extra]


def run(args, code=0):
    r = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == code, (args, r.returncode, r.stdout, r.stderr)
    return r


def same_outputs(a, b):
    for out in [a, a + "-tables"]:
        other = out.replace(a, b)
        names = sorted(n for n in os.listdir(os.path.join(scratch, out)) if not n.startswith("."))
        assert names, out
        assert names == sorted(n for n in os.listdir(os.path.join(scratch, other)) if not n.startswith(".")), (names, out)
        match, mismatch, errors = filecmp.cmpfiles(os.path.join(scratch, out), os.path.join(scratch, other), names, shallow=False)
        assert not mismatch and not errors, (mismatch, errors)


ids = ["t3", "l1", "s1"]
plain = run(command("plain", ids))
mpi = run(MPIRUN + ["3"] + command("mpi", ids, "--mpi"))
assert mpi.stdout.replace(os.path.join(scratch, "mpi"), "DIR") == plain.stdout.replace(os.path.join(scratch, "plain"), "DIR"), (mpi.stdout, plain.stdout)
same_outputs("plain", "mpi")
# One process: no workers, the instances run here (on --jobs threads).
run(MPIRUN + ["1"] + command("mpi1", ids, "--mpi", "--jobs", "2"))
same_outputs("plain", "mpi1")

# A worker killed during a sweep: the job ends, the store keeps every result the root received,
# and the rerun computes the rest.
slow = ["t1"]
run(command("slow-plain", slow))
job = subprocess.Popen(MPIRUN + ["3"] + command("killed", slow, "--mpi"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
store = os.path.join(scratch, "killed", ".store")
deadline = time.time() + 300
while time.time() < deadline and job.poll() is None:
    lines = sum(len(open(p).readlines()) for p in glob.glob(os.path.join(store, "*.jsonl")))
    if lines >= 2:
        break
    time.sleep(0.05)
assert job.poll() is None, "the sweep ended before a worker could be killed; choose a longer one"
workers = subprocess.run(["pgrep", "-P", str(job.pid)], capture_output=True, text=True).stdout.split()
# mpirun starts the ranks as its children in rank order; kill the last one (a worker).
victims = [p for p in workers if open(f"/proc/{p}/cmdline").read().startswith(exe)]
assert len(victims) == 3, victims
os.kill(int(victims[-1]), signal.SIGKILL)
job.communicate(timeout=300)
assert job.returncode != 0, "the job went on without its worker"
stored = sum(len(open(p).readlines()) for p in glob.glob(os.path.join(store, "*.jsonl")))
resumed = run(MPIRUN + ["3"] + command("killed", slow, "--mpi"))
assert "reused" in resumed.stderr, resumed.stderr
same_outputs("slow-plain", "killed")

# Combinations that make no sense are one-line usage errors, before MPI starts.
for extra, text in [(["--shard", "0/2"], "--mpi and --shard"), (["--falsify"], "--mpi applies to the checks")]:
    r = run(command("bad", ["l1"], "--mpi", *extra), 2)
    assert r.stderr.count("\n") == 1 and text in r.stderr, r.stderr
print(f"mpirun -np 3 equals the plain run byte for byte; a killed worker's job resumed from {stored} stored instances")
