"""Build the sandbox image (and per-repository images) without a registry.

Steps of ``build_sandbox_image``, each skipped when its product exists:

1. the tag ``deepcheck-sandbox:<digest>`` exists (built from the same base)  → done;
2. the base image: ``--base-image NAME`` must exist locally; the default
   ``deepcheck-base:bookworm`` is made with debootstrap and cached by the engine;
3. the wheelhouse ``build/wheelhouse``: pinned wheels, downloaded on the host;
4. the context: the pins staged into ``site/``, the harness into ``lib/dc_harness``;
5. ``docker build`` with the network off.

The engine is a port (``ImageEngine``); ``sandbox.docker_runner.DockerEngine`` implements it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sandbox.images import base as base_rootfs
from sandbox.images.errors import ImageError
from sandbox.images.recipe import (
    BASE_IMAGE,
    HARNESS_MODULE,
    LABEL,
    LABEL_BASE,
    REPO_DOCKERFILE,
    SandboxRecipe,
    digest,
    repo_image_tag,
    safe_relpath,
    sandbox_recipe,
)
from sandbox.images.wheelhouse import ensure_wheelhouse, stage_site

Log = Callable[[str], None]
DEFAULT_WHEELHOUSE = Path("build/wheelhouse")
DEFAULT_WORKDIR = Path("build/sandbox-image")


class ImageEngine(Protocol):
    def image_labels(self, tag: str) -> dict[str, str] | None:
        """The image's labels, or None when there is no such image."""
        ...

    def build_image(
        self,
        context: Path,
        tag: str,
        *,
        buildargs: Mapping[str, str],
        labels: Mapping[str, str],
        log: Log,
    ) -> None:
        """``docker build`` of the directory with the network off; raises ImageError."""
        ...

    def import_rootfs(self, tar_path: Path, tag: str, *, changes: Sequence[str]) -> None:
        """``docker import`` of a rootfs tar; raises ImageError."""
        ...

    def image_tags(self, repository: str) -> list[str]:
        """Local ``repository:tag`` names."""
        ...

    def remove_image(self, tag: str) -> bool:
        """Remove a tag; False when in use or gone."""
        ...


@dataclass
class BuildReport:
    tag: str
    base_image: str
    built: bool = False
    base_built: bool = False
    downloaded: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_s(self) -> float:
        return sum(self.seconds.values())


def _quiet(_: str) -> None:
    pass


class _Timer:
    def __init__(self, report: BuildReport) -> None:
        self.report = report

    def step(self, name: str, started: float) -> None:
        self.report.seconds[name] = round(time.monotonic() - started, 3)


def ensure_base_image(engine: ImageEngine, base_image: str, work: Path, log: Log) -> bool:
    """Make sure the base exists; builds the default one with debootstrap. True when built."""
    if engine.image_labels(base_image) is not None:
        return False
    if base_image != BASE_IMAGE:
        raise ImageError(
            f"base image {base_image} is not on this engine (load it, or omit --base-image to "
            f"build {BASE_IMAGE} with debootstrap)"
        )
    tar_path = base_rootfs.make_rootfs_tar(work / "base", log=log)
    try:
        log(f"importing {tar_path} as {base_image}")
        changes = [*base_rootfs.IMAGE_CHANGES, f"LABEL {LABEL}=base"]
        engine.import_rootfs(tar_path, base_image, changes=changes)
    finally:
        tar_path.unlink(missing_ok=True)
    return True


def _write_context(recipe: SandboxRecipe, context: Path, wheelhouse: Path) -> None:
    """The build context; the staged site dir is cached per requirements and hard-linked in."""
    context.mkdir(parents=True, exist_ok=True)
    site_digest = digest({"requirements.txt": recipe.requirements_txt.encode()})[:16]
    staged = context.parent / f"site-{site_digest}"
    if not staged.is_dir():
        stage_site(recipe.pins, wheelhouse, staged)
    shutil.rmtree(context / "site", ignore_errors=True)
    try:
        shutil.copytree(staged, context / "site", copy_function=os.link)
    except OSError:  # another filesystem: copy
        shutil.rmtree(context / "site", ignore_errors=True)
        shutil.copytree(staged, context / "site")
    lib = context / "lib" / HARNESS_MODULE
    shutil.rmtree(lib.parent, ignore_errors=True)
    for rel, content in recipe.harness.items():
        target = lib / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (context / "requirements.txt").write_text(recipe.requirements_txt, encoding="utf-8")
    (context / "Dockerfile").write_text(recipe.dockerfile, encoding="utf-8")


def build_sandbox_image(
    engine: ImageEngine,
    *,
    base_image: str | None = None,
    wheelhouse: Path = DEFAULT_WHEELHOUSE,
    workdir: Path = DEFAULT_WORKDIR,
    force: bool = False,
    recipe: SandboxRecipe | None = None,
    log: Log = _quiet,
) -> BuildReport:
    """Build ``deepcheck-sandbox:<digest>`` unless it exists; returns what was done."""
    recipe = recipe or sandbox_recipe()
    base = base_image or BASE_IMAGE
    report = BuildReport(tag=recipe.tag, base_image=base)
    timer = _Timer(report)
    t = time.monotonic()
    existing = engine.image_labels(recipe.tag)
    timer.step("check", t)
    if existing is not None and not force:
        if base_image is None or existing.get(LABEL_BASE) == base:
            # The image is there, but dependency environments also install the sandbox's own
            # pins from the wheelhouse beside it, which a fresh clone on this machine lacks.
            try:
                report.downloaded = ensure_wheelhouse(recipe.pins, wheelhouse)
            except ImageError as exc:
                log(f"{recipe.tag} exists; the wheelhouse {wheelhouse} could not be filled: {exc}")
            return report
        log(f"{recipe.tag} was built from {existing.get(LABEL_BASE)}; rebuilding from {base}")
    if not recipe.harness_ready:
        raise ImageError("the harness (sandbox/harness/__main__.py) is missing; nothing to build")
    t = time.monotonic()
    report.base_built = ensure_base_image(engine, base, workdir, log)
    timer.step("base", t)
    t = time.monotonic()
    report.downloaded = ensure_wheelhouse(recipe.pins, wheelhouse)
    timer.step("wheelhouse", t)
    t = time.monotonic()
    context = workdir / recipe.digest[:16]
    try:
        _write_context(recipe, context, wheelhouse)
        timer.step("stage", t)
        t = time.monotonic()
        log(f"building {recipe.tag} from {base}")
        labels = {LABEL: "sandbox", LABEL_BASE: base, "deepcheck.digest": recipe.digest}
        engine.build_image(
            context, recipe.tag, buildargs={"BASE_IMAGE": base}, labels=labels, log=log
        )
        timer.step("build", t)
    finally:
        shutil.rmtree(context, ignore_errors=True)
    report.built = True
    return report


def prune_sandbox_images(engine: ImageEngine, keep: str) -> list[str]:
    """Remove the other ``deepcheck-sandbox`` tags (older harnesses); returns what went.

    Opt-in (``deepcheck sandbox build --prune``): several checkouts on one engine may each
    need their own tag. Images a container still uses are kept.
    """
    repository = keep.rpartition(":")[0]
    gone = []
    for tag in engine.image_tags(repository):
        if tag != keep and engine.remove_image(tag):
            gone.append(tag)
    return gone


def build_repo_image(
    base_image: str,
    install_command: str,
    dependency_files: Mapping[str, bytes],
    *,
    engine: ImageEngine | None = None,
    log: Log = _quiet,
) -> str:
    """A per-repository image (``sandbox.install`` in ``.deepcheck.yml``), cached by content.

    ``dependency_files`` (requirements files, lock files, wheels) are copied to
    ``/opt/deepcheck/deps``, the build's working directory, and ``install_command`` runs there as
    root with the network off; pip is preset to install from that directory only
    (``PIP_NO_INDEX=1``, ``PIP_FIND_LINKS=/opt/deepcheck/deps``). Returns the image tag.
    """
    tag = repo_image_tag(base_image, install_command, dependency_files)
    if engine is None:
        from sandbox.docker_runner import DockerEngine

        with DockerEngine() as own:
            return _build_repo(own, tag, base_image, install_command, dependency_files, log)
    return _build_repo(engine, tag, base_image, install_command, dependency_files, log)


def _build_repo(
    engine: ImageEngine,
    tag: str,
    base_image: str,
    install_command: str,
    files: Mapping[str, bytes],
    log: Log,
) -> str:
    if engine.image_labels(tag) is not None:
        return tag
    if engine.image_labels(base_image) is None:
        raise ImageError(f"base image {base_image} is not on this engine")
    with tempfile.TemporaryDirectory(prefix="deepcheck-repo-image-") as tmp:
        context = Path(tmp)
        deps = context / "deps"
        deps.mkdir()
        for rel, content in files.items():
            target = deps / safe_relpath(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        shutil.copyfile(REPO_DOCKERFILE, context / "Dockerfile")
        log(f"building {tag} from {base_image}: {install_command}")
        engine.build_image(
            context,
            tag,
            buildargs={"BASE_IMAGE": base_image, "DEEPCHECK_INSTALL": install_command},
            labels={LABEL: "repo", LABEL_BASE: base_image},
            log=log,
        )
    return tag
