# Parley: one static binary with the web UI embedded, run as a non-root
# user. docker-compose.yml runs two of these behind nginx.

# 1. Web assets: webapp/dist is embedded into the binary (webapp/embed.go).
FROM node:20 AS web
WORKDIR /src/webapp
# Manifests first, so the npm layer is reused until dependencies change.
COPY webapp/package.json webapp/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY webapp/ ./
RUN npm run build

# 2. The binary: pure Go (SQLite through modernc.org/sqlite), so CGO off and
# a static executable.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/webapp/dist ./webapp/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/parley ./cmd/parley

# 3. Runtime: alpine rather than distroless for busybox wget, which the
# health check needs; the process runs as an unprivileged user.
FROM alpine:3.20
RUN addgroup -S -g 10001 parley && adduser -S -D -H -u 10001 -G parley parley \
    && mkdir /data && chown parley:parley /data && chmod 700 /data
COPY --from=build /out/parley /usr/local/bin/parley
USER parley:parley
ENV PARLEY_ADDR=:8080 PARLEY_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["/usr/local/bin/parley"]
