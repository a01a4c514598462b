# ecresearch in a container: Debian's Python 3.11, the system libraries WeasyPrint needs (Pango), CJK fonts, and
# .venv made from uv.lock by the Makefile's own pinned uv, so the image runs what CI runs.
#   docker build -t ecresearch .                        # add --build-arg WITH_CHROMIUM=1 to look at pages headless
#   docker run --rm ecresearch                          # make reports && make test
#   docker run --rm -v "$PWD/reports:/ecresearch/reports" ecresearch make reports   # the site on the host
FROM debian:bookworm-slim

# Must equal UV_VERSION in the Makefile (tests/test_container.py checks): the uv that makes .venv.
ARG UV_VERSION=0.13.9
ARG WITH_CHROMIUM=0

ENV LANG=C.UTF-8 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# python3 (3.11 on bookworm) and venv; make and git for the targets and the checkout tests; Pango (and its
# FreeType/HarfBuzz companions) for --pdf; fonts-noto-cjk so PDF text and Chromium screenshots have CJK glyphs.
# Debian's packages are not pinned: the snapshot of the base image fixes them.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates git make python3 python3-venv \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && if [ "$WITH_CHROMIUM" = 1 ]; then apt-get install -y --no-install-recommends chromium; fi \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /ecresearch

# The dependencies first (a layer that changes only with the lock), then the project itself.
COPY Makefile pyproject.toml uv.lock ./
RUN make ".tools/uv-${UV_VERSION}/bin/uv" UV_VERSION="${UV_VERSION}" \
    && python3 -m venv .venv \
    && ".tools/uv-${UV_VERSION}/bin/uv" sync --locked --no-install-project --compile-bytecode --all-extras \
        --python .venv/bin/python --quiet
COPY . .
RUN make venv && .venv/bin/ecresearch --help > /dev/null

CMD ["bash", "-c", "make reports && make test"]
