#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: `start` installs the system's
# PostgreSQL if it is missing (apt), makes a cluster in a temp dir, starts it
# on 127.0.0.1:$CW_PG_PORT (55432) and prints the export line of
# CW_TEST_DATABASE_URL; `stop` stops it and removes the dir. As root (CI),
# the server runs as the `postgres` user, which PostgreSQL requires.
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
    fi
    if ! as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >&2 \
            || { cat "$dir/server.log" >&2; exit 1; }
    fi
    echo "export CW_TEST_DATABASE_URL=postgres://$user:$password@127.0.0.1:$port/postgres"
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
