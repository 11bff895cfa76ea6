"""kill -9 of an import or a compute at several points: nothing is lost, the database and the
event store stay consistent, ``lofte check --repair`` clears the litter and the next run gives
the same cube as a run without the fault."""

from __future__ import annotations

import pytest

from tests.faults.conftest import import_args

pytestmark = pytest.mark.faults

IMPORT_POINTS = {
    # while validating: nothing written yet
    "validating": "wrap('lofte.svf.validate', 'validate', before=kill)",
    # the event file fully written under its temporary name, not yet renamed
    "temporary-file": "wrap('os', 'replace', before=kill)",
    # the event file in place, the database row not yet pointing at it / committed
    "before-commit": (
        "from lofte.django_setup import setup\nsetup()\n"
        "wrap('lofte.svf.deliveries', '_register', after=kill)"
    ),
}


@pytest.mark.parametrize("point", list(IMPORT_POINTS))
def test_import_killed(point, files, new_home, reference):
    home = new_home()
    home.ok(*import_args(files, "05"))
    killed = home.run(*import_args(files, "06"), inject=IMPORT_POINTS[point])
    assert killed.code == -9, killed

    listed = home.ok("deliveries").out
    assert "06" not in {
        line.split("│")[2].strip() for line in listed.splitlines() if line.count("│") > 3
    }  # nothing of the killed import is registered
    check = home.run("check")
    if point == "validating":
        assert check.code == 0, check
    else:
        assert check.code == 1 and ("Temporär" in check.out or "Oregistrerad" in check.out)
        repaired = home.run("check", "--repair")
        assert repaired.code == 0, repaired
        assert "Tog bort events/" in repaired.out
    assert home.litter() == []
    assert home.ok("check").code == 0

    home.ok(*import_args(files, "06"))
    home.ok("compute")
    assert home.cube().equals(reference.cube())
    assert home.instances().equals(reference.instances())


COMPUTE_POINTS = {
    "engine": "wrap('lofte.cube.engine', 'compute', before=kill)",
    "writing": "wrap('pyarrow.parquet', 'write_table', after=kill, count=2)",
    "before-publish": "wrap('lofte.commit', 'publish', before=kill)",
    # the journal written and the first of three renames done: instances new, cube old
    "mid-publish": "wrap('os', 'replace', after=kill, count=2)",
}


@pytest.mark.parametrize("point", list(COMPUTE_POINTS))
def test_compute_killed(point, files, new_home, reference):
    home = new_home()
    home.ok(*import_args(files, "05"))
    home.ok("compute")
    old_cube = home.cube()
    home.ok(*import_args(files, "06"))
    killed = home.run("compute", inject=COMPUTE_POINTS[point])
    assert killed.code == -9, killed

    if point == "mid-publish":
        assert (home.path / "commit.json").exists()
    else:
        # The old results stand untouched, whole.
        assert home.cube().equals(old_cube)
    # Any next command finishes an interrupted publish; check then finds at most litter.
    home.ok("deliveries")
    assert not (home.path / "commit.json").exists()
    if point == "mid-publish":
        assert home.cube().equals(reference.cube())
        assert home.instances().equals(reference.instances())
    home.run("check", "--repair")
    assert home.litter() == []
    assert home.ok("check").code == 0
    home.ok("compute")
    assert home.cube().equals(reference.cube())
