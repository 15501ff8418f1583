from ._dsl import bug, ref  # noqa: F401
