"""A per-repository image layer (Docker backend): the sandbox image plus the repository's
wheels, installed by pip inside ``docker build`` with the network off (``--no-index``).

The harness's own packages are already in the sandbox image (``/opt/deepcheck/site``, first on
``PYTHONPATH``) at the versions the resolution pinned, so only the rest is installed, into the
image's site-packages. The tag is ``deepcheck-env:<key>``: any worker on the engine reuses it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from sandbox.envs.errors import EnvError
from sandbox.images.builder import ImageEngine
from sandbox.images.errors import ImageError
from sandbox.images.recipe import LABEL, LABEL_BASE

__all__ = ["ENV_IMAGE_REPO", "build_layer", "layer_tag"]

ENV_IMAGE_REPO = "deepcheck-env"
LABEL_KEY = "deepcheck.env"
DOCKERFILE = """\
# deepcheck dependency layer: the repository's declared dependencies, installed offline.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
USER 0:0
COPY wheels /tmp/deepcheck-wheels
RUN env PIP_NO_INDEX=1 PIP_BREAK_SYSTEM_PACKAGES=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \\
        PIP_ROOT_USER_ACTION=ignore PIP_NO_CACHE_DIR=1 HOME=/tmp \\
        python3 -m pip install -q --no-deps /tmp/deepcheck-wheels/*.whl \\
 && rm -rf /tmp/deepcheck-wheels
USER 10001:10001
WORKDIR /tmp
"""


def layer_tag(key: str) -> str:
    return f"{ENV_IMAGE_REPO}:{key[:16]}"


def build_layer(
    engine: ImageEngine,
    *,
    key: str,
    base_image: str,
    wheels: Sequence[Path],
    context: Path,
    log: Callable[[str], None],
) -> str:
    """Build ``deepcheck-env:<key>`` from ``base_image`` with ``wheels``; returns the tag."""
    tag = layer_tag(key)
    if engine.image_labels(base_image) is None:
        raise EnvError(
            f"the sandbox image {base_image} is not on this engine",
            fix="run 'deepcheck sandbox build'",
        )
    folder = context / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    for wheel in wheels:
        try:
            os.link(wheel, folder / wheel.name)
        except OSError:
            shutil.copyfile(wheel, folder / wheel.name)
    (context / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    labels = {LABEL: "env", LABEL_BASE: base_image, LABEL_KEY: key}
    try:
        engine.build_image(
            context, tag, buildargs={"BASE_IMAGE": base_image}, labels=labels, log=log
        )
    except ImageError as exc:
        raise EnvError(f"building the dependency layer failed: {exc}") from None
    return tag
