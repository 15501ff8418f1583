"""Sandbox images built without a registry (debootstrap base + host wheelhouse).

``default_image()`` names the image that matches this checkout (a content hash of the harness,
the Dockerfile and the pinned requirements); ``builder.build_sandbox_image`` makes it and
``builder.build_repo_image`` adds a repository's dependencies on top.
"""

from sandbox.images.errors import ImageError
from sandbox.images.recipe import BASE_IMAGE, default_image, repo_image_tag, sandbox_recipe

__all__ = ["BASE_IMAGE", "ImageError", "default_image", "repo_image_tag", "sandbox_recipe"]
