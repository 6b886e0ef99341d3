# Harken: one image for the web server, the task worker and the scheduler (by its command:
# web | worker | scheduler | setup | any harken command). docs/deployment.md says how to run it.
#
# BASE_IMAGE is any Debian 12 (bookworm) image: the registry's debian:bookworm-slim, or one
# built from Debian's own packages where no registry can be reached
# (deploy/container/build-base-image.sh: mmdebstrap, then `podman import`). Downloads trust
# the base image's CA certificates (a council's TLS-inspecting proxy: add its CA there).
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

# --- build: uv, the locked dependencies, the static files -----------------------------------
FROM ${BASE_IMAGE} AS build
ARG UV_VERSION=0.13.9
ENV DEBIAN_FRONTEND=noninteractive \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/opt/harken/.venv \
    UV_NATIVE_TLS=1 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/uv \
    && /opt/uv/bin/pip install --no-cache-dir "uv==${UV_VERSION}"
WORKDIR /opt/harken
# The dependencies first, in their own layer: a change to Harken's code does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-install-project
COPY manage.py ./
COPY config ./config
COPY harken ./harken
# Installed in place (editable): templates and static files stay beside the code, in /opt/harken.
RUN /opt/uv/bin/uv sync --frozen --no-dev \
    && DJANGO_SETTINGS_MODULE=config.settings.base DJANGO_SECRET_KEY=build-only \
       DJANGO_STATIC_ROOT=/opt/harken/staticfiles \
       /opt/harken/.venv/bin/harken collectstatic --noinput --verbosity 0

# --- run: Python, the libraries WeasyPrint needs, fonts; no compiler, no uv, no pip ----------
FROM ${BASE_IMAGE} AS run
ENV DEBIAN_FRONTEND=noninteractive
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       python3 ca-certificates tzdata libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-liberation2 fonts-dejavu-core postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 harken \
    && useradd --system --uid 10001 --gid harken --home-dir /opt/harken --shell /usr/sbin/nologin harken \
    && install -d -o harken -g harken /var/lib/harken/media /tmp/harken-metrics
WORKDIR /opt/harken
COPY --from=build /opt/harken /opt/harken
COPY deploy/container/entrypoint.sh /usr/local/bin/harken-entrypoint
ENV PATH=/opt/harken/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.base \
    DJANGO_STATIC_ROOT=/opt/harken/staticfiles \
    DJANGO_MEDIA_ROOT=/var/lib/harken/media \
    PROMETHEUS_MULTIPROC_DIR=/tmp/harken-metrics \
    HARKEN_BIND=0.0.0.0:8000
USER 10001:10001
EXPOSE 8000
# The web server's liveness (the worker and scheduler images override or disable it).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python3", "-c", "import os, sys, urllib.request; port = os.environ['HARKEN_BIND'].rsplit(':', 1)[1]; sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["harken-entrypoint"]
CMD ["web"]
