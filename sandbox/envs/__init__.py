"""Per-repository dependency environments: resolved and downloaded on the host, installed with
the network off, cached by the content of what was resolved.

- :mod:`~sandbox.envs.request` what to install and for which interpreter (values, no I/O);
- :mod:`~sandbox.envs.settings` the budgets (``DEEPCHECK_ENV_*``);
- :mod:`~sandbox.envs.pip` the one adapter to pip (a subprocess): download, build, install;
- :mod:`~sandbox.envs.outcomes` pip's failures as one line naming the package and the fix;
- :mod:`~sandbox.envs.metawheel` the project's own ``dist-info`` as a metadata-only wheel;
- :mod:`~sandbox.envs.cache` the cache directory: wheel store, resolutions, entries, locks,
  eviction (LRU by last use);
- :mod:`~sandbox.envs.build` the orchestration: resolve once (then reuse), then a virtualenv
  (process backend, :mod:`~sandbox.envs.venv`) or an image layer (Docker backend,
  :mod:`~sandbox.envs.layer`), each built once per resolved set;
- :mod:`~sandbox.envs.process` a process-backend runner that runs in the environment's python.
"""
