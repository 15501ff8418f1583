"""The repository's declared dependencies, read from the base tree and installed for its checks.

- :mod:`~bot.engine.environment.declared` what the files declare (pure);
- :mod:`~bot.engine.environment.requirements_txt` one requirements file (pure);
- :mod:`~bot.engine.environment.reading` reading those files from a tree (no symlinks);
- :mod:`~bot.engine.environment.provision` the environment for a backend
  (:mod:`sandbox.envs` builds and caches it).
"""
