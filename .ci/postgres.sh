#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: `start` installs the system's
# PostgreSQL if it is missing (apt), makes a cluster in a temp dir, starts it
# on 127.0.0.1:$CW_PG_PORT (55432) and prints the export lines of
# CW_TEST_DATABASE_URL and CW_TEST_PG_TLS; `stop` stops it and removes the
# dir. As root (CI), the server runs as the `postgres` user, which PostgreSQL
# requires.
#
# The server speaks TLS, as a production one should: a CA of the test's own
# (made here with openssl) issued its certificate, for the name `localhost`
# only, so that connecting to 127.0.0.1 tells verify-full from verify-ca.
# The CA and a client certificate for the role `cw_cert` (which may only sign
# in with it) are in $CW_TEST_PG_TLS: ca.pem, client.crt, client.key.
#
#   eval "$(.ci/postgres.sh start)"; cargo test --test store; .ci/postgres.sh stop
set -euo pipefail

port="${CW_PG_PORT:-55432}"
dir="${TMPDIR:-/tmp}/cw-test-pg-$port"
user=cw
password=cw-test-only-password

bin_dir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install() {
    if [ -z "$(bin_dir)" ]; then
        echo "installing PostgreSQL (apt)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update >&2
        apt-get install -y --no-install-recommends postgresql >&2
    fi
    if ! command -v openssl >/dev/null 2>&1; then
        echo "installing openssl (apt)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update >&2
        apt-get install -y --no-install-recommends openssl >&2
    fi
    [ -n "$(bin_dir)" ] || { echo "PostgreSQL did not install" >&2; exit 1; }
}

# Runs a PostgreSQL program as a user it accepts (never root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The CA, the server's certificate (localhost) and cw_cert's client certificate.
make_certificates() {
    local tls="$dir/tls"
    mkdir -p "$tls"
    (
        cd "$tls"
        openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=connectwise-mcp test CA" \
            -keyout ca.key -out ca.pem
        openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
        printf 'subjectAltName=DNS:localhost\n' >server.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
            -extfile server.ext -out server.crt
        openssl req -newkey rsa:2048 -nodes -subj "/CN=cw_cert" -keyout client.key -out client.csr
        printf 'extendedKeyUsage=clientAuth\n' >client.ext
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
            -extfile client.ext -out client.crt
        chmod 600 server.key client.key
    ) >"$dir/openssl.log" 2>&1 || { cat "$dir/openssl.log" >&2; exit 1; }
    # cw_cert signs in with its certificate only; everyone else as before.
    { printf 'hostssl all cw_cert 127.0.0.1/32 cert\nhost all cw_cert 0.0.0.0/0 reject\n'; cat "$dir/data/pg_hba.conf"; } \
        >"$dir/pg_hba.conf" && mv "$dir/pg_hba.conf" "$dir/data/pg_hba.conf"
}

start() {
    install
    local bin; bin="$(bin_dir)"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        printf '%s\n' "$password" >"$dir/pwfile"
        [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
        as_pg "$bin/initdb" -D "$dir/data" -U "$user" --pwfile="$dir/pwfile" \
            --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
        make_certificates
        [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
        fresh=1
    fi
    if ! as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off \
                -c ssl=on -c ssl_cert_file=$dir/tls/server.crt -c ssl_key_file=$dir/tls/server.key \
                -c ssl_ca_file=$dir/tls/ca.pem" start >&2 \
            || { cat "$dir/server.log" >&2; exit 1; }
    fi
    if [ -n "${fresh:-}" ]; then
        as_pg "$bin/psql" -q -h "$dir" -p "$port" -U "$user" -d postgres \
            -c "CREATE ROLE cw_cert LOGIN" -c "CREATE DATABASE cw_cert OWNER cw_cert" >&2
    fi
    echo "export CW_TEST_DATABASE_URL=postgres://$user:$password@127.0.0.1:$port/postgres"
    echo "export CW_TEST_PG_TLS=$dir/tls"
}

stop() {
    local bin; bin="$(bin_dir)"
    if [ -n "$bin" ] && [ -f "$dir/data/PG_VERSION" ]; then
        as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$dir"
}

# Stops the server but keeps its data (tests of an outage start it again).
pause() {
    as_pg "$(bin_dir)/pg_ctl" -D "$dir/data" -m fast -w stop >&2
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    pause) pause ;;
    *) echo "usage: $0 start|stop|pause" >&2; exit 2 ;;
esac
