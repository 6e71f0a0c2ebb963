# A throwaway PostgreSQL server for the tests of the PostgreSQL backend. Sourced by
# .ci/run, and usable on a developer's machine (README, "Tests"):
#
#   source .ci/postgres.sh && start_test_postgres && deno task test
#
# start_test_postgres installs Debian's postgresql when it is missing (apt-get, as root or
# through sudo), starts a new cluster as the postgres user in a temporary folder, on a free
# local port, with TLS when openssl is there, creates a role and a database, exports
# PLUTUS_TEST_PG_URL and stops the server (and removes the folder) when the shell exits.
# It does nothing when PLUTUS_TEST_PG_URL is set already.

start_test_postgres() {
  if [ -n "${PLUTUS_TEST_PG_URL:-}" ]; then
    echo "PostgreSQL for the tests: PLUTUS_TEST_PG_URL is set already"
    return 0
  fi
  local sudo="" as_postgres
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  if [ -n "$sudo" ]; then as_postgres="sudo -u postgres"; else as_postgres="runuser -u postgres --"; fi

  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bin" ]; then
    $sudo apt-get update -qq
    # policy-rc.d-less containers may fail to start the package's own cluster; ours is separate
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi

  local port=55432
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

  local dir password
  dir=$(mktemp -d /tmp/plutus-test-pg.XXXXXX)
  password="ci-$(date +%s)-$RANDOM$RANDOM"
  echo "$password" >"$dir/password"
  $sudo chown -R postgres "$dir"
  # run from / so the postgres user never needs the caller's folder
  (cd / && $as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 --pwfile="$dir/password" >"$dir/initdb.log" 2>&1) || {
    cat "$dir/initdb.log"
    return 1
  }
  local ssl="off"
  if command -v openssl >/dev/null 2>&1; then
    # a self-signed certificate: sslmode=require works, verify-full is refused (tests both)
    (cd / && $as_postgres openssl req -new -x509 -days 2 -nodes -subj "/CN=localhost" \
      -out "$dir/data/server.crt" -keyout "$dir/data/server.key" >/dev/null 2>&1) && ssl="on"
  fi
  (cd / && $as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
    "-p $port -k $dir -c listen_addresses=127.0.0.1 -c ssl=$ssl -c fsync=off" start >/dev/null) || {
    $sudo cat "$dir/server.log"
    return 1
  }
  # the server stops, and its folder goes, when this shell exits
  trap "(cd / && $as_postgres '$bin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null 2>&1); $sudo rm -rf '$dir'" EXIT

  # A superuser: the tests create read-only roles and their own databases.
  (cd / && $as_postgres "$bin/psql" -h "$dir" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE plutus_test LOGIN SUPERUSER PASSWORD '$password'" \
    -c "CREATE DATABASE plutus_test OWNER plutus_test") || return 1
  export PLUTUS_TEST_PG_URL="postgres://plutus_test:$password@127.0.0.1:$port/plutus_test"
  echo "PostgreSQL for the tests: $("$bin/postgres" --version), port $port, ssl $ssl"
}
