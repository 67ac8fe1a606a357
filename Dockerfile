# syntax=docker/dockerfile:1
# soc2scan in a container: `docker build -t soc2scan .`, then
#   docker run --rm -v "$PWD:/src" soc2scan scan infra --format table
# The image runs as a non-root user with the repository mounted at /src (the working
# directory). Git is included because --diff-base and the repository-relative paths of
# SARIF, annotations and Code Quality read the repository with it.
#
# The default build includes the live AWS sweep (--aws); a smaller Terraform-only
# image: docker build --build-arg CARGO_FEATURES=--no-default-features -t soc2scan:tf .

FROM rust:1.95-slim-bookworm AS build
ARG CARGO_FEATURES=""
WORKDIR /build
COPY . .
# The registry and target/ live in BuildKit caches, so a rebuild after a source
# change recompiles soc2scan, not its dependencies.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/build/target \
    cargo build --release --locked --bin soc2scan ${CARGO_FEATURES} \
    && cp target/release/soc2scan /usr/local/bin/soc2scan

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates git \
    && rm -rf /var/lib/apt/lists/* \
    # A mounted repository belongs to another user; git would refuse to read it.
    && git config --system --add safe.directory '*' \
    && useradd --system --uid 10001 --create-home --shell /usr/sbin/nologin soc2scan
COPY --from=build /usr/local/bin/soc2scan /usr/local/bin/soc2scan
USER 10001:10001
WORKDIR /src
ENTRYPOINT ["soc2scan"]
CMD ["--help"]
