# deepcheck GitHub App (`deepcheck serve` / `deepcheck worker`), built without a registry:
#   make app-image        (scripts/build-app-image: a debootstrap base with python3 and git,
#                          deepcheck and its dependencies staged on the host into build/app/site)
# BASE_IMAGE must provide python3.11 and git. Non-root (uid 10002); state in /var/lib/deepcheck.
# Sandboxes are sibling containers: mount the engine's socket and a data dir at the same path
# on host and container (docs/github-app.md), or set DEEPCHECK_SANDBOX=process explicitly.
ARG BASE_IMAGE=deepcheck-app-base:bookworm
FROM ${BASE_IMAGE}
COPY build/app/site /opt/deepcheck/site
RUN python3 -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "python3.11 needed")' \
 && git --version \
 && python3 -c 'import site; open(site.getsitepackages()[0] + "/deepcheck.pth", "w").write("/opt/deepcheck/site\n")' \
 && echo 'deepcheck:x:10002:10002:deepcheck:/var/lib/deepcheck:/usr/sbin/nologin' >> /etc/passwd \
 && echo 'deepcheck:x:10002:' >> /etc/group \
 && mkdir -p /var/lib/deepcheck && chown 10002:10002 /var/lib/deepcheck \
 && python3 -m compileall -q /opt/deepcheck/site/bot /opt/deepcheck/site/sandbox /opt/deepcheck/site/rules \
 && python3 -c 'import bot.cli.main, bot.app.web, bot.app.queue, bot.app.store, bot.app.github.client'
ENV LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 \
    DEEPCHECK_DATA_DIR=/var/lib/deepcheck
USER 10002:10002
WORKDIR /var/lib/deepcheck
EXPOSE 8000
ENTRYPOINT ["python3", "-m", "bot.cli.main"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
