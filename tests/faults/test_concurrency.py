"""Two writers at once: imports and computes queue on the home's lock and both end cleanly; two
first commands in a fresh home both start."""

from __future__ import annotations

import pytest

from tests.faults.conftest import import_args

pytestmark = pytest.mark.faults

PAUSE_IN_VALIDATION = "wrap('lofte.svf.validate', 'validate', before=lambda: time.sleep(3))"
PAUSE_IN_WRITE = "wrap('pyarrow.parquet', 'write_table', before=lambda: time.sleep(3))"


def test_two_imports_at_once(files, new_home, reference):
    home = new_home()
    first = home.start(*import_args(files, "05"), inject=PAUSE_IN_VALIDATION)
    second = home.start(*import_args(files, "06"))
    out1, err1 = first.communicate(timeout=180)
    out2, err2 = second.communicate(timeout=180)
    assert (first.returncode, second.returncode) == (0, 0), (err1, err2)
    assert "importerad" in out1 and "importerad" in out2
    assert "Traceback" not in err1 + err2
    assert "väntar" in err1 + err2  # one of them waited for the other, and said so
    assert home.ok("check").code == 0
    home.ok("compute")
    assert home.cube().equals(reference.cube())


def test_two_computes_at_once_one_pausing_while_it_writes(files, new_home, reference):
    home = new_home()
    for region in files:
        home.ok(*import_args(files, region))
    first = home.start("compute", inject=PAUSE_IN_WRITE)
    second = home.start("compute")
    _, err1 = first.communicate(timeout=180)
    _, err2 = second.communicate(timeout=180)
    assert (first.returncode, second.returncode) == (0, 0), (err1, err2)
    assert "Traceback" not in err1 + err2
    assert "väntar" in err1 + err2
    assert home.cube().equals(reference.cube())
    assert home.litter() == []
    assert home.ok("check").code == 0


def test_import_and_compute_at_once(files, new_home, reference):
    home = new_home()
    home.ok(*import_args(files, "05"))
    compute = home.start("compute", inject=PAUSE_IN_WRITE)
    importing = home.start(*import_args(files, "06"))
    assert compute.wait(timeout=180) == 0 and importing.wait(timeout=180) == 0
    home.ok("compute")
    assert home.cube().equals(reference.cube())


def test_a_busy_home_is_refused_without_waiting_when_asked(files, new_home):
    home = new_home()
    home.ok(*import_args(files, "05"))
    holder = home.start("compute", inject=PAUSE_IN_WRITE)
    try:
        import time

        time.sleep(2.5)  # the compute is now inside its write, holding the lock
        env_run = home.run(*import_args(files, "06"), inject="os.environ['LOFTE_LOCK_WAIT'] = '0'")
        assert env_run.code == 1, env_run
        assert "används av beräkningen" in env_run.err and "Traceback" not in env_run.err
    finally:
        assert holder.wait(timeout=180) == 0


@pytest.mark.parametrize("attempt", range(3))
def test_two_first_commands_in_a_fresh_home(new_home, attempt):
    home = new_home(f"fresh{attempt}")
    procs = [home.start("deliveries") for _ in range(3)]
    results = [(p.wait(timeout=180), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert sorted(p.name for p in (home.path / "secret").iterdir()) == ["django.key"]
