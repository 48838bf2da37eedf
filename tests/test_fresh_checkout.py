"""`make run` on a fresh checkout: the embedded defaults need nothing but the project's files.
The database is migrated and the demo data loaded in a fresh interpreter, on the development
settings, into a var/ folder that does not exist yet (a fresh clone has none)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _manage(*args: str, var_dir: Path) -> subprocess.CompletedProcess:
    # Nothing from the shell (CI's DATABASE_URL, a broker URL) reaches the embedded defaults.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "aimq_portal.settings.dev",
        "AIMQ_VAR_DIR": str(var_dir),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_migrate_and_demo_data_work_without_a_var_folder(tmp_path):
    var_dir = tmp_path / "var"
    assert not var_dir.exists()

    migrated = _manage("migrate", "--no-input", var_dir=var_dir)
    assert migrated.returncode == 0, migrated.stderr
    loaded = _manage("load_demo_data", var_dir=var_dir)
    assert loaded.returncode == 0, loaded.stderr

    assert "Demo data ready" in loaded.stdout
    with sqlite3.connect(var_dir / "db.sqlite3") as database:
        (communities,) = database.execute("select count(*) from communities_community").fetchone()
    # The association's three (migration 0002) and the demo's one in preparation.
    assert communities == 4
