"""Which files a repository's sandbox install step sees, and which image is asked for."""

from __future__ import annotations

from pathlib import Path

from bot.engine.repo_config import load_repo_config
from bot.engine.repo_image import dependency_files, docker_image_for


def test_dependency_files_are_requirements_constraints_and_wheels(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("money==1.0\n")
    (tmp_path / "requirements-dev.txt").write_text("pytest\n")
    (tmp_path / "constraints.txt").write_text("money<2\n")
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "money-1.0-py3-none-any.whl").write_bytes(b"PK")
    (tmp_path / "setup.py").write_text("raise SystemExit\n")
    (tmp_path / "secret.txt").write_text("token\n")
    assert sorted(dependency_files(tmp_path)) == [
        "constraints.txt",
        "requirements-dev.txt",
        "requirements.txt",
        "wheels/money-1.0-py3-none-any.whl",
    ]


def test_a_named_image_is_used_without_building(tmp_path: Path) -> None:
    config, errors = load_repo_config("sandbox:\n  image: my-sandbox:1\n")
    assert errors == []
    assert docker_image_for(config, tmp_path) == "my-sandbox:1"
    default, _ = load_repo_config("")
    assert docker_image_for(default, tmp_path) is None
