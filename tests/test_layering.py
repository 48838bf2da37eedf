"""The apps depend downward only: aimq_portal (configuration), notifications (the outbox),
then members (the user app), then communities, then search (the index the apps above
feed), then digest (the weekly digest, whose
sections the apps above register), then directory (the members' directory, which reads
memberships), then meetings, then scheduling (date polls), then attestations (continuing
education, from meetings' attendance), then talks (the public recordings), library, questions,
and health at the top (its figures read them all). A lower app never imports a higher one, not
even lazily inside a function; a higher app contributes to a lower one by registering with it
(signals, the personal data registry of members.personal_data)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = [
    "aimq_portal",
    "notifications",
    "submit_once",
    "members",
    "communities",
    "search",
    "digest",
    "directory",
    "meetings",
    "scheduling",
    "attestations",
    "talks",
    "library",
    "questions",
    "health",
]


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_an_app_never_imports_the_apps_above_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) & above)
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and _imported_apps(path) & above
    }

    assert offenders == {}
