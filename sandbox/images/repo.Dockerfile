# deepcheck per-repository image: the sandbox image plus what the repository's
# `sandbox.install` command installs. The install runs with the network off, from the
# dependency files copied to /opt/deepcheck/deps (wheels among them are a local index).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG DEEPCHECK_INSTALL
USER 0:0
COPY deps /opt/deepcheck/deps
WORKDIR /opt/deepcheck/deps
RUN env PIP_NO_INDEX=1 PIP_FIND_LINKS=/opt/deepcheck/deps PIP_BREAK_SYSTEM_PACKAGES=1 \
        PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_NO_CACHE_DIR=1 \
        HOME=/tmp sh -c "$DEEPCHECK_INSTALL"
USER 10001:10001
WORKDIR /tmp
