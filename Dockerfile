# The Plexus gateway on a slim Debian, from a binary built outside (docs/guide.md, "Running in a container"):
#   scripts/build-release --product plexus
#   podman build --format docker -t plexus .      # docker build --build-arg BASE_IMAGE=debian:bookworm-slim ...
#   podman run -d -p 4000:4000 -v plexus-config:/etc/plexus -v plexus-data:/var/lib/plexus plexus
# The deployment build links the Swift runtime in statically: the binary needs only libc, libm, libstdc++, libgcc_s
# and zlib, which every Debian has (ldd .build/release/plexus).
# BASE_IMAGE: a Debian bookworm made locally by debootstrap, for hosts with no registry (scripts/container-test
# makes it; docs/guide.md shows how); with a registry, --build-arg BASE_IMAGE=debian:bookworm-slim.
ARG BASE_IMAGE=localhost/plexus-base:bookworm
FROM ${BASE_IMAGE}

# The binary to copy, relative to the build context (the repository): the release build by default.
ARG PLEXUS_BINARY=.build/release/plexus
ARG PLEXUS_UID=10001

# Upstream TLS verifies against the system's roots (ca-certificates: in the local base already, installed on
# debian:bookworm-slim). The gateway runs as an unprivileged user with a fixed uid, so volumes can be chowned to it.
RUN set -eu; \
    if [ ! -s /etc/ssl/certs/ca-certificates.crt ]; then \
      apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --gid "$PLEXUS_UID" plexus; \
    useradd --uid "$PLEXUS_UID" --gid plexus --home-dir /var/lib/plexus --no-create-home --no-log-init \
      --shell /usr/sbin/nologin plexus; \
    install -d -o plexus -g plexus -m 0750 /etc/plexus /etc/plexus/data /var/lib/plexus

COPY --chmod=0755 ${PLEXUS_BINARY} /usr/local/bin/plexus
COPY --chmod=0755 deploy/healthcheck /usr/local/bin/plexus-healthcheck
# The repository's demo config (no secrets needed: the built-in mock:// provider; real providers switch on with
# their API key variables). Its listen address, port and database come from these variables. The folder is the
# user's: the dashboard and the management API write plexus.yaml back (a temporary file, then a rename).
COPY --chown=${PLEXUS_UID}:${PLEXUS_UID} plexus.yaml /etc/plexus/plexus.yaml
ENV PLEXUS_CONFIG=/etc/plexus/plexus.yaml \
    PLEXUS_HOST=0.0.0.0 \
    PLEXUS_PORT=4000 \
    PLEXUS_STORAGE_URL=sqlite:///var/lib/plexus/plexus.sqlite

USER ${PLEXUS_UID}:${PLEXUS_UID}
WORKDIR /var/lib/plexus
# /etc/plexus: plexus.yaml (and, with PostgreSQL, data/: the usage journal and cooldowns).
# /var/lib/plexus: the SQLite database, its WAL, the usage journal, cooldowns and the OpenRouter price cache.
VOLUME ["/etc/plexus", "/var/lib/plexus"]
EXPOSE 4000
# podman keeps a HEALTHCHECK only in the docker image format: podman build --format docker.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/plexus-healthcheck"]
# SIGTERM (podman/docker stop) stops accepting, lets requests finish, flushes the usage log and exits 0; give long
# streams time with --stop-timeout (compose: stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/plexus", "serve", "--config", "/etc/plexus/plexus.yaml"]
