# syntax=docker/dockerfile:1
#
# Prassi container image.
#
#   docker build -t prassi .
#   docker run --rm -p 127.0.0.1:8080:8080 -e PRASSI_PUBLIC_URL=https://prassi.example.org prassi
#
# Configuration is by PRASSI_* environment variables (see src/config.rs); `prassi serve`
# applies the database migrations itself. Without PRASSI_DATABASE_URL the instance uses
# SQLite in $PRASSI_DATA_DIR (a volume).

# ---------------------------------------------------------------- build
FROM rust:1-bookworm AS build
WORKDIR /src
# The whole workspace (members "." and "federation-tests"); .dockerignore keeps out
# target/, data/, .git and the interop peers' installed dependencies.
COPY . .
# The cache mounts keep the registry and the target directory between builds; the binary
# is copied out of the mounted target so that it lands in the image layer.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p prassi \
    && install -m 0755 target/release/prassi /usr/local/bin/prassi

# ---------------------------------------------------------------- runtime
FROM debian:bookworm-slim AS runtime
# ca-certificates: outgoing https to other instances. curl: container healthchecks only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system prassi \
    && useradd --system --gid prassi --home-dir /var/lib/prassi --shell /usr/sbin/nologin prassi \
    && mkdir -p /var/lib/prassi \
    && chown prassi:prassi /var/lib/prassi
COPY --from=build /usr/local/bin/prassi /usr/local/bin/prassi

ENV PRASSI_DATA_DIR=/var/lib/prassi \
    PRASSI_BIND=0.0.0.0:8080
# A named volume mounted here starts with the ownership set above.
VOLUME ["/var/lib/prassi"]
WORKDIR /var/lib/prassi
USER prassi:prassi
EXPOSE 8080
ENTRYPOINT ["prassi"]
CMD ["serve"]
