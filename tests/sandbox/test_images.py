"""Image recipes, the builder against a fake engine, and real images (Docker-marked)."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from sandbox import Candidate, SandboxSpec, Status, Workspace
from sandbox.docker_runner import DockerEngine, DockerRunner
from sandbox.images import BASE_IMAGE, ImageError, default_image
from sandbox.images.builder import build_repo_image, build_sandbox_image, prune_sandbox_images
from sandbox.images.recipe import (
    SANDBOX_DOCKERFILE,
    SandboxRecipe,
    harness_files,
    pinned_requirements,
    repo_image_tag,
    sandbox_recipe,
)
from sandbox.images.wheelhouse import missing_wheels


def make_wheel(directory: Path, name: str = "dcfake", version: str = "1.0") -> Path:
    """A minimal pure-Python wheel: ``import dcfake; dcfake.VALUE == 42``."""
    files = {
        f"{name}/__init__.py": b"VALUE = 42\n",
        f"{name}-{version}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
        ),
        f"{name}-{version}.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{name}-{version}.dist-info/RECORD,,")
    files[f"{name}-{version}.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / f"{name}-{version}-py3-none-any.whl"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    wheel.write_bytes(buf.getvalue())
    return wheel


class FakeEngine:
    """The ImageEngine port in memory; records builds and what their contexts held."""

    def __init__(self, images: Mapping[str, dict[str, str]] | None = None) -> None:
        self.images: dict[str, dict[str, str]] = dict(images or {})
        self.builds: list[dict[str, object]] = []
        self.imports: list[str] = []

    def image_labels(self, tag: str) -> dict[str, str] | None:
        return self.images.get(tag)

    def build_image(
        self,
        context: Path,
        tag: str,
        *,
        buildargs: Mapping[str, str],
        labels: Mapping[str, str],
        log: object,
    ) -> None:
        listing = sorted(p.relative_to(context).as_posix() for p in context.rglob("*"))
        self.builds.append(
            {"tag": tag, "buildargs": dict(buildargs), "labels": dict(labels), "files": listing}
        )
        self.images[tag] = dict(labels)

    def import_rootfs(self, tar_path: Path, tag: str, *, changes: Sequence[str]) -> None:
        self.imports.append(tag)
        self.images[tag] = {}

    def image_tags(self, repository: str) -> list[str]:
        return sorted(t for t in self.images if t.rpartition(":")[0] == repository)

    def remove_image(self, tag: str) -> bool:
        return self.images.pop(tag, None) is not None


def _recipe(harness: Mapping[str, bytes] | None = None) -> SandboxRecipe:
    return SandboxRecipe(
        dockerfile=SANDBOX_DOCKERFILE.read_text(encoding="utf-8"),
        pins=("dcfake==1.0",),
        harness=harness if harness is not None else {"__main__.py": b"", "__init__.py": b""},
    )


# -- recipes -------------------------------------------------------------------------------


def test_pins_are_the_host_versions_with_dependencies() -> None:
    pins = dict(p.split("==") for p in pinned_requirements())
    for name in ("pytest", "hypothesis", "crosshair-tool", "pip", "pluggy", "iniconfig"):
        assert pins[name] == importlib.metadata.version(name)
    assert "deepcheck" not in pins and "mypy" not in pins and "ruff" not in pins


def test_missing_host_package_is_one_line() -> None:
    with pytest.raises(ImageError, match="lacks no-such-package-dc"):
        pinned_requirements(["no-such-package-dc"])


def test_tag_is_a_content_hash() -> None:
    recipe = _recipe()
    assert recipe.tag.startswith("deepcheck-sandbox:") and len(recipe.tag.split(":")[1]) == 16
    assert _recipe().tag == recipe.tag
    changed = _recipe({"__main__.py": b"print()", "__init__.py": b""})
    assert changed.tag != recipe.tag
    other_pins = SandboxRecipe(recipe.dockerfile, ("dcfake==1.1",), recipe.harness)
    assert other_pins.tag != recipe.tag
    other_file = SandboxRecipe(recipe.dockerfile + "\n", recipe.pins, recipe.harness)
    assert other_file.tag != recipe.tag


def test_default_image_matches_this_checkout() -> None:
    assert default_image() == sandbox_recipe().tag
    assert sandbox_recipe().harness_ready


def test_harness_files_skip_caches(tmp_path: Path) -> None:
    (tmp_path / "kinds" / "__pycache__").mkdir(parents=True)
    (tmp_path / "__main__.py").write_text("x")
    (tmp_path / "kinds" / "a.py").write_text("y")
    (tmp_path / "kinds" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    assert sorted(harness_files(tmp_path)) == ["__main__.py", "kinds/a.py"]


def test_missing_wheels_normalises_names_and_versions(tmp_path: Path) -> None:
    (tmp_path / "typing_extensions-4.16.0-py3-none-any.whl").write_bytes(b"")
    (tmp_path / "z3_solver-5.4.1.0-py3-none-manylinux_2_27_x86_64.whl").write_bytes(b"")
    pins = ["typing-extensions==4.16.0", "z3-solver==5.4.1.0", "pytest==9.2.0"]
    assert missing_wheels(pins, tmp_path) == ["pytest==9.2.0"]
    assert missing_wheels(pins, tmp_path / "absent") == pins


def test_repo_image_tag_depends_on_everything() -> None:
    files = {"requirements.txt": b"dcfake==1.0\n"}
    tag = repo_image_tag("img:1", "pip install -r requirements.txt", files)
    assert tag.startswith("deepcheck-repo:")
    assert tag == repo_image_tag("img:1", "pip install -r requirements.txt", dict(files))
    assert tag != repo_image_tag("img:2", "pip install -r requirements.txt", files)
    assert tag != repo_image_tag("img:1", "pip install .", files)
    assert tag != repo_image_tag("img:1", "pip install -r requirements.txt", {"r.txt": b""})
    for bad in ("../etc/passwd", "/abs", ""):
        with pytest.raises(ImageError):
            repo_image_tag("img:1", "true", {bad: b""})


# -- the builder against a fake engine -----------------------------------------------------


def test_build_is_skipped_when_the_tag_exists(tmp_path: Path) -> None:
    make_wheel(tmp_path / "wh")  # the wheelhouse holds the pins: nothing to download
    recipe = _recipe()
    engine = FakeEngine({recipe.tag: {"deepcheck.base": BASE_IMAGE}})
    report = build_sandbox_image(
        engine, recipe=recipe, wheelhouse=tmp_path / "wh", workdir=tmp_path / "w"
    )
    assert not report.built and engine.builds == [] and engine.imports == []
    assert report.downloaded == [] and not (tmp_path / "w").exists()


def test_an_existing_image_still_gets_its_wheelhouse_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh clone on a machine that built the image before: the wheelhouse (what
    dependency environments install the sandbox's pins from) is filled, or a line says why."""
    recipe = _recipe()
    engine = FakeEngine({recipe.tag: {"deepcheck.base": BASE_IMAGE}})
    calls: list[list[str]] = []

    def fetched(args: list[str], what: str) -> None:
        calls.append(args)
        make_wheel(tmp_path / "wh")

    monkeypatch.setattr("sandbox.images.wheelhouse._pip", fetched)
    report = build_sandbox_image(engine, recipe=recipe, wheelhouse=tmp_path / "wh")
    assert not report.built and report.downloaded == list(recipe.pins) and len(calls) == 1

    def offline(args: list[str], what: str) -> None:
        raise ImageError(f"{what}: pip exited with 1: no index")

    monkeypatch.setattr("sandbox.images.wheelhouse._pip", offline)
    lines: list[str] = []
    report = build_sandbox_image(
        engine, recipe=recipe, wheelhouse=tmp_path / "empty", log=lines.append
    )
    assert not report.built and engine.builds == []  # no error: the image is usable
    assert len(lines) == 1 and "could not be filled" in lines[0] and "no index" in lines[0]


def test_build_stages_the_wheelhouse_and_the_harness(tmp_path: Path) -> None:
    make_wheel(tmp_path / "wh")
    recipe = _recipe()
    engine = FakeEngine({"base:1": {}})
    report = build_sandbox_image(
        engine,
        recipe=recipe,
        base_image="base:1",
        wheelhouse=tmp_path / "wh",
        workdir=tmp_path / "w",
    )
    assert report.built and not report.base_built and report.downloaded == []
    (build,) = engine.builds
    assert build["tag"] == recipe.tag
    assert build["buildargs"] == {"BASE_IMAGE": "base:1"}
    labels = build["labels"]
    assert isinstance(labels, dict) and labels["deepcheck.base"] == "base:1"
    files = build["files"]
    assert isinstance(files, list)
    assert {"Dockerfile", "requirements.txt", "site/dcfake/__init__.py"} <= set(files)
    assert "lib/dc_harness/__main__.py" in files
    assert not any(f.startswith("site/bin") for f in files)
    # a second build reuses the staged site; the context itself is gone
    assert [p.name for p in (tmp_path / "w").iterdir()] == [
        p.name for p in (tmp_path / "w").glob("site-*")
    ]
    # same tag, another base: rebuilt; same base: skipped
    engine.images["base:2"] = {}
    again = build_sandbox_image(
        engine, recipe=recipe, base_image="base:2", wheelhouse=tmp_path / "wh", workdir=tmp_path
    )
    assert again.built
    same = build_sandbox_image(
        engine, recipe=recipe, base_image="base:2", wheelhouse=tmp_path / "wh", workdir=tmp_path
    )
    assert not same.built


def test_a_missing_named_base_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="base image other:1 is not on this engine"):
        build_sandbox_image(FakeEngine(), recipe=_recipe(), base_image="other:1", workdir=tmp_path)


def test_no_harness_no_image(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="harness"):
        build_sandbox_image(
            FakeEngine({BASE_IMAGE: {}}), recipe=_recipe({"__init__.py": b""}), workdir=tmp_path
        )


def test_repo_image_context(tmp_path: Path) -> None:
    engine = FakeEngine({"img:1": {}})
    files = {"requirements.txt": b"dcfake==1.0\n", "sub/lock.txt": b""}
    tag = build_repo_image("img:1", "pip install -r requirements.txt", files, engine=engine)
    (build,) = engine.builds
    assert build["tag"] == tag
    assert build["buildargs"] == {
        "BASE_IMAGE": "img:1",
        "DEEPCHECK_INSTALL": "pip install -r requirements.txt",
    }
    assert {"Dockerfile", "deps/requirements.txt", "deps/sub/lock.txt"} <= set(
        build["files"]  # type: ignore[arg-type]
    )
    assert build_repo_image("img:1", "pip install -r requirements.txt", files, engine=engine) == tag
    assert len(engine.builds) == 1


def test_prune_keeps_the_current_tag_and_other_repositories() -> None:
    engine = FakeEngine(
        {"deepcheck-sandbox:a": {}, "deepcheck-sandbox:b": {}, "deepcheck-repo:c": {}, "x:a": {}}
    )
    assert prune_sandbox_images(engine, "deepcheck-sandbox:b") == ["deepcheck-sandbox:a"]
    assert sorted(engine.images) == ["deepcheck-repo:c", "deepcheck-sandbox:b", "x:a"]


# -- real images ---------------------------------------------------------------------------


def _run_in(engine: DockerEngine, image: str, script: str) -> str:
    api = engine.api()
    cid = api.create_container(
        image,
        command=["python3", "-c", script],
        host_config=api.create_host_config(network_mode="none", read_only=True),
    )["Id"]
    try:
        api.start(cid)
        status = api.wait(cid, timeout=60)
        out = bytes(api.logs(cid, stdout=True, stderr=True)).decode()
        assert status["StatusCode"] == 0, out
        return out
    finally:
        api.remove_container(cid, force=True)


@pytest.mark.docker
def test_sandbox_image_contents(docker_engine: DockerEngine, sandbox_image: str) -> None:
    labels = docker_engine.image_labels(sandbox_image)
    assert labels is not None and labels["deepcheck.image"] == "sandbox"
    out = _run_in(
        docker_engine,
        sandbox_image,
        "import os, sys, pytest, hypothesis, crosshair, dc_harness\n"
        "print(sys.version_info[:2], os.getuid(), os.getgid(), dc_harness.__file__)\n"
        "print(pytest.__version__, hypothesis.__version__)\n",
    )
    assert "(3, 11) 10001 10001 /opt/deepcheck/lib/dc_harness/__init__.py" in out
    assert (
        f"{importlib.metadata.version('pytest')} {importlib.metadata.version('hypothesis')}" in out
    )


@pytest.mark.docker
@pytest.mark.slow
def test_repo_image_installs_offline_and_runs_candidates(
    docker_engine: DockerEngine, sandbox_image: str, tmp_path: Path
) -> None:
    wheel = make_wheel(tmp_path / "wheels")
    files = {"requirements.txt": b"dcfake==1.0\n", wheel.name: wheel.read_bytes()}
    command = (
        'python3 -c \'import os; assert os.listdir("/sys/class/net") == ["lo"]\' && '
        "python3 -m pip install -q -r requirements.txt"
    )
    tag = build_repo_image(sandbox_image, command, files, engine=docker_engine)
    try:
        assert tag == repo_image_tag(sandbox_image, command, files)
        head = tmp_path / "head"
        head.mkdir()
        head.chmod(0o755)
        test = "import dcfake\n\n\ndef test_dependency():\n    assert dcfake.VALUE == 42\n"
        ws = Workspace(head=head, candidates=(Candidate("dep", "pytest", {"test_dep.py": test}),))
        runner = DockerRunner(image=tag, engine=docker_engine)
        result = runner.run(ws, SandboxSpec())
        assert result.ok, result.infrastructure_error
        assert result.candidates["dep"].sides["head"].status is Status.PASSED
    finally:
        docker_engine.api().remove_image(tag, force=True)
