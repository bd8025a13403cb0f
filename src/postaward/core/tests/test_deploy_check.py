"""``manage.py check --deploy`` is clean with the production environment that
docs/operations.md documents (issue 10, section 3: HSTS, https redirect and
Secure cookies were missing). The block is read from the document itself, so
the documentation and the check cannot drift apart."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]


def production_environment() -> dict[str, str]:
    doc = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    section = doc.split("## Production settings", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "docs/operations.md: no ```sh block under 'Production settings'"
    env: dict[str, str] = {}
    for line in block.group(1).splitlines():
        key, _, value = line.partition("=")
        env[key.strip()] = value.strip()
    return env


def run_deploy_check(env_values: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("POSTAWARD_", "DJANGO_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(env_values)
    if env.get("POSTAWARD_SECRET_KEY", "").startswith("<"):
        env["POSTAWARD_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["POSTAWARD_VAR_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
    )


def test_the_documented_production_environment_passes_check_deploy(tmp_path):
    env = production_environment()
    assert env["POSTAWARD_HTTPS"] == "1"
    out = run_deploy_check(env, tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout, out.stdout + out.stderr


def test_without_the_https_switch_check_deploy_warns(tmp_path):
    """The switch is what makes the check clean (the test above can fail)."""
    env = production_environment()
    env["POSTAWARD_HTTPS"] = "0"
    out = run_deploy_check(env, tmp_path)
    assert out.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in out.stdout + out.stderr
