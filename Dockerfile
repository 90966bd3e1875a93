# Parley: one static binary with the web UI embedded, run as a non-root
# user. docker-compose.yml builds it once and runs it as both nodes.
#
# Base images are pinned to supported release lines (end of support in
# brackets); bump them together and note it in the changelog:
#   Node.js 24 LTS (April 2028), Go 1.26 (1.28's release, about
#   February 2027), Alpine 3.23 (November 2027).
ARG NODE_VERSION=24
ARG GO_VERSION=1.26
ARG ALPINE_VERSION=3.23

# 1. Web assets: webapp/dist is embedded into the binary (webapp/embed.go).
FROM node:${NODE_VERSION}-alpine${ALPINE_VERSION} AS web
WORKDIR /src/webapp
# Manifests first, so the npm layer is reused until dependencies change.
COPY webapp/package.json webapp/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY webapp/ ./
RUN npm run build

# 2. The binary: pure Go (SQLite through modernc.org/sqlite), so CGO off and
# a static executable. VERSION, COMMIT and BUILD_DATE are what
# `parley version` and parley_build_info report (make image passes them).
FROM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS build
ARG VERSION=devel
ARG COMMIT=unknown
ARG BUILD_DATE=unknown
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/webapp/dist ./webapp/dist
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
    -ldflags="-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${BUILD_DATE}" \
    -o /out/parley ./cmd/parley

# 3. Runtime: alpine rather than distroless for busybox wget, which the
# health check needs; the process runs as an unprivileged user.
FROM alpine:${ALPINE_VERSION}
ARG VERSION=devel
ARG COMMIT=unknown
ARG BUILD_DATE=unknown
LABEL org.opencontainers.image.title="Parley" \
      org.opencontainers.image.description="Real-time group chat with an AI assistant in every room" \
      org.opencontainers.image.source="https://github.com/parley-chat/parley" \
      org.opencontainers.image.documentation="https://github.com/parley-chat/parley/blob/main/docs/operations.md" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${BUILD_DATE}"
RUN apk add --no-cache ca-certificates tzdata \
    && addgroup -S -g 10001 parley && adduser -S -D -H -u 10001 -G parley parley \
    && mkdir /data && chown parley:parley /data && chmod 700 /data
COPY --from=build /out/parley /usr/local/bin/parley
USER parley:parley
ENV PARLEY_ADDR=:8080 PARLEY_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["/usr/local/bin/parley"]
