# deepcheck sandbox image: a local base with python3 (3.11), the host's pinned test tools
# (staged on the host from a wheelhouse into site/) and the harness as dc_harness in lib/.
# Built by `deepcheck sandbox build` with the network off; no registry is involved.
ARG BASE_IMAGE=deepcheck-base:bookworm
FROM ${BASE_IMAGE}
COPY site /opt/deepcheck/site
COPY lib /opt/deepcheck/lib
RUN python3 -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "the base image needs python3.11, found " + sys.version.split()[0])' \
 && python3 -c 'import site; open(site.getsitepackages()[0] + "/deepcheck.pth", "w").write("/opt/deepcheck/lib\n/opt/deepcheck/site\n")' \
 && if ! grep -q '^[^:]*:[^:]*:10001:' /etc/passwd; then \
      echo 'sandbox:x:10001:10001:deepcheck sandbox:/tmp:/usr/sbin/nologin' >> /etc/passwd \
      && echo 'sandbox:x:10001:' >> /etc/group; fi \
 && python3 -m compileall -q /opt/deepcheck/lib \
 && python3 -c 'import pytest, hypothesis, crosshair, dc_harness'
ENV PYTHONPATH=/opt/deepcheck/lib:/opt/deepcheck/site \
    LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1
USER 10001:10001
WORKDIR /tmp
