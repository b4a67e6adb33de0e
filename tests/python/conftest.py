"""Shared fixtures: the freelunch executable the module is compared with (FREELUNCH_EXE, set by
tests/CMakeLists.txt) and a runner that returns its --json objects."""
import json
import os
import subprocess

import pytest


@pytest.fixture(scope="session")
def exe():
    path = os.environ.get("FREELUNCH_EXE")
    if not path:
        pytest.fail("FREELUNCH_EXE is not set (tests/CMakeLists.txt sets it to the freelunch executable)")
    return path


@pytest.fixture(scope="session")
def cli(exe):
    """cli(*args, stdin=None) -> (exit code, list of JSON objects, stderr)."""

    def run(*args, stdin=None):
        p = subprocess.run([exe, *map(str, args)], input=stdin, capture_output=True, text=True)
        objects = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
        return p.returncode, objects, p.stderr

    return run


@pytest.fixture(scope="session")
def examples():
    return os.path.join(os.path.dirname(__file__), "..", "..", "docs", "examples")
