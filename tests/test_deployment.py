"""The build and deployment files agree with the settings and with each other.

No Docker engine runs here, so docker-compose.yml and the Dockerfile are parsed and checked, not started.
"""

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "ehcp" / "settings.py"
APP_SERVICES = ("web", "worker", "beat")
WEASYPRINT_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core", "fonts-noto-core")
# Set in the Dockerfile for Python, pip, the shell or Django itself, not read by ehcp/settings.py.
DOCKERFILE_ENV_NOT_SETTINGS = {
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "PIP_NO_CACHE_DIR",
    "PIP_DISABLE_PIP_VERSION_CHECK",
    "VIRTUAL_ENV",
    "PATH",
    "DJANGO_SETTINGS_MODULE",
}


def settings_env_names() -> set[str]:
    """Every variable ehcp/settings.py reads: env("X"), env.str("X"), env.bool(\n "X", ...) and so on."""
    names = set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", SETTINGS.read_text()))
    assert len(names) > 10, names
    return names


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def interpolate(value: str) -> str:
    """Compose's ${VAR:-default} becomes the default; ${VAR:?error} and ${VAR} a placeholder."""

    def replace(match: re.Match) -> str:
        if match.group(2) == "-":
            return match.group(3)
        return "placeholder"

    return re.sub(r"\$\{(\w+)(?::?([-?])([^}]*))?\}", replace, str(value))


def service_env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {name: interpolate(value if value is not None else "") for name, value in env.items()}


def command_text(service: dict) -> str:
    command = service.get("command") or ""
    if isinstance(command, list):
        command = " ".join(command)
    return " ".join(command.split())


def env_example_names() -> list[str]:
    return re.findall(r"^#?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), flags=re.MULTILINE)


# --- docker-compose.yml ---


def test_compose_has_the_five_services():
    assert set(compose()["services"]) >= {"web", "worker", "beat", "db", "redis"}


def test_compose_commands_run_gunicorn_a_worker_and_beat():
    services = compose()["services"]
    web = command_text(services["web"])
    assert "gunicorn ehcp.wsgi" in web
    assert "manage.py migrate" in web
    assert web.index("migrate") < web.index("gunicorn"), "migrations run before the server starts"
    assert command_text(services["worker"]).startswith("celery -A ehcp worker")
    assert command_text(services["beat"]).startswith("celery -A ehcp beat")


def test_compose_runs_exactly_one_beat():
    beat = compose()["services"]["beat"]
    assert (beat.get("deploy") or {}).get("replicas", 1) <= 1
    assert beat.get("scale", 1) <= 1
    assert "worker" not in command_text(beat)


def test_compose_app_services_set_only_variables_the_settings_read():
    known = settings_env_names()
    services = compose()["services"]
    for name in APP_SERVICES:
        env = service_env(services[name])
        assert {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SECRET_KEY",
            "DJANGO_ALLOWED_HOSTS",
            "MEDIA_ROOT",
        } <= set(env)
        assert "EMAIL_HOST" in env
        unknown = set(env) - known
        assert not unknown, f"{name} sets variables that ehcp/settings.py never reads: {sorted(unknown)}"


def test_compose_urls_point_at_the_db_and_redis_services():
    services = compose()["services"]
    for name in APP_SERVICES:
        env = service_env(services[name])
        database = urlsplit(env["DATABASE_URL"])
        assert database.scheme in {"postgres", "postgresql", "pgsql"}
        assert database.hostname == "db"
        assert database.path.strip("/") == services["db"]["environment"]["POSTGRES_DB"]
        assert database.username == services["db"]["environment"]["POSTGRES_USER"]
        redis_url = urlsplit(env["REDIS_URL"])
        assert redis_url.scheme == "redis"
        assert redis_url.hostname == "redis"


def test_compose_images_and_healthchecks():
    services = compose()["services"]
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("web", "worker", "db", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        assert "redis" in depends
        for dependency in depends.values():
            assert dependency["condition"] == "service_healthy"
    assert {"db", "redis"} <= set(services["web"]["depends_on"])
    assert {"db", "redis"} <= set(services["worker"]["depends_on"])


def test_compose_shares_the_media_volume_between_web_and_worker():
    services = compose()["services"]
    mounts = {}
    for name in ("web", "worker"):
        media_root = service_env(services[name])["MEDIA_ROOT"]
        volumes = [v for v in services[name].get("volumes", []) if isinstance(v, str)]
        sources = {v.split(":")[0] for v in volumes if v.split(":")[1] == media_root}
        assert sources, f"{name} does not mount a volume at MEDIA_ROOT={media_root}"
        mounts[name] = sources
    shared = mounts["web"] & mounts["worker"]
    assert shared and shared <= set(compose().get("volumes") or {}), (
        "web and worker need the same named volume"
    )


# --- .env.example and README ---


def test_env_example_lists_every_setting_and_nothing_else():
    listed = env_example_names()
    assert len(listed) == len(set(listed)), "a variable is listed twice"
    known = settings_env_names()
    assert set(listed) == known, (
        f"missing from .env.example: {sorted(known - set(listed))}; "
        f"not read by the settings: {sorted(set(listed) - known)}"
    )


def test_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in sorted(settings_env_names()) if f"`{name}`" not in readme]
    assert not missing, f"README.md's configuration table lacks {missing}"


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    head = readme[:1200]
    assert "make run" in head and "make test" in head
    assert "http://127.0.0.1:8000" in head


# --- Dockerfile ---


def dockerfile() -> str:
    """The Dockerfile with its line continuations joined, so each instruction is one line."""
    return (ROOT / "Dockerfile").read_text().replace("\\\n", " ")


def test_dockerfile_runs_python_3_11_with_weasyprint_libraries():
    text = dockerfile()
    stages = re.findall(r"^FROM\s+(\S+)", text, flags=re.MULTILINE)
    assert stages, "no FROM line"
    assert re.match(r"python:3\.11(\.\d+)?-slim-bookworm$", stages[-1]), f"the final image is {stages[-1]}"
    install = " ".join(re.findall(r"apt-get install[^\n]*", text))
    for package in WEASYPRINT_PACKAGES:
        assert package in install, f"the Dockerfile does not install {package}"


def test_dockerfile_builds_assets_installs_deps_and_runs_gunicorn_as_non_root():
    text = dockerfile()
    assert "npm ci" in text
    assert "COPY package.json package-lock.json" in text
    assert re.search(r"pip install\b", text)
    assert "collectstatic" in text
    users = re.findall(r"^USER\s+(\S+)", text, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    cmd = re.findall(r"^CMD\s+(.+)$", text, flags=re.MULTILINE)[-1]
    assert "gunicorn" in cmd and "ehcp.wsgi" in cmd


def test_dockerfile_sets_only_variables_the_settings_read():
    names = set()
    for line in re.findall(r"^ENV\s+([^\n]*)", dockerfile(), flags=re.MULTILINE):
        names |= set(re.findall(r"(?:^|\s)([A-Z][A-Z0-9_]*)=", line))
    assert names, "no ENV line found"
    unknown = names - settings_env_names() - DOCKERFILE_ENV_NOT_SETTINGS
    assert not unknown, f"the Dockerfile sets variables that ehcp/settings.py never reads: {sorted(unknown)}"


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", "node_modules", ".env", "db.sqlite3", "media", ".git"} <= ignored


# --- Makefile, CI, lockfile, .gitignore ---


def makefile_targets() -> set[str]:
    return set(re.findall(r"^([a-zA-Z_-]+):", (ROOT / "Makefile").read_text(), flags=re.MULTILINE))


def test_makefile_has_the_documented_targets():
    assert {"run", "test", "bench", "lint", "help", "clean"} <= makefile_targets()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_help_lists_each_target_with_one_line():
    result = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")}
    assert {"run", "test", "bench", "lint", "help", "clean"} <= listed


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_migrates_seeds_and_serves_on_localhost_8000():
    result = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "manage.py migrate" in out
    assert "manage.py seed_demo" in out
    assert "manage.py runserver 127.0.0.1:8000" in out
    assert out.index("migrate") < out.index("seed_demo") < out.index("runserver")


def test_make_test_runs_ruff_then_pytest_and_fails_on_no_tests():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^test:.*?\n((?:\t.*\n?)+)", makefile, flags=re.MULTILINE).group(1)
    assert "ruff check ." in recipe
    assert "-m pytest" in recipe
    assert recipe.index("ruff check") < recipe.index("pytest")
    assert "CELERY_TASK_ALWAYS_EAGER=true" in recipe
    assert re.search(r"-eq 5\b", recipe), "pytest's exit code 5 (no tests) must fail the target"


def test_ci_runs_make_test_with_every_tier_required():
    script = (ROOT / ".ci" / "run").read_text()
    assert script.startswith("#!/usr/bin/env bash") or script.startswith("#!/bin/bash")
    assert "set -euo pipefail" in script
    assert re.search(r"\bmake test\b", script)
    for needed in (
        "REQUIRE_ALL_TIERS=1",
        "DATABASE_URL=",
        "REDIS_URL=",
        "CHROMIUM_PATH=/usr/bin/chromium",
        "CELERY_TASK_ALWAYS_EAGER=true",
        "chromium",
        "redis-server",
        "fonts-noto-core",
        "libpango-1.0-0",
    ):
        assert needed in script, f".ci/run lacks {needed}"
    assert not re.search(r"^\s*export\s+DJANGO_ALLOW_ASYNC_UNSAFE", script, flags=re.MULTILINE)


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_ci_script_is_valid_bash():
    result = subprocess.run(
        ["bash", "-n", str(ROOT / ".ci" / "run")], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


def test_package_lock_pins_what_package_json_asks_for():
    import json

    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name, version in package["dependencies"].items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_gitignore_covers_local_state():
    ignored = (ROOT / ".gitignore").read_text().split()
    for entry in (".venv/", "node_modules/", "staticfiles/", "media/", "db.sqlite3", "__pycache__/", ".env"):
        assert entry in ignored, f".gitignore lacks {entry}"
