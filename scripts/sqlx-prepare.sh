#!/usr/bin/env bash
# Writes .sqlx/: what sqlx's query macros learnt about each statement from the schema the
# migrations make. Builds read it instead of a database (SQLX_OFFLINE=true in
# .cargo/config.toml), so a fresh machine and CI build with every statement checked against
# the schema and no database at hand.
#
#   scripts/sqlx-prepare.sh           after changing a statement or a migration: rewrite .sqlx/
#   scripts/sqlx-prepare.sh --check   fail if .sqlx/ is not what the sources and migrations make
#                                     (run by `make lint`)
#
# What `cargo sqlx prepare` does, without building sqlx-cli: the macros write their data to
# SQLX_OFFLINE_DIR when they run against a live DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
[ "${1:-}" = "--check" ] && check=true

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for migration in migrations/*.sql; do
  sqlite3 "$work/schema.db" <"$migration"
done
mkdir "$work/queries"

# The macros run only when their crate is compiled again: mark the two crates that hold
# statements as changed, then give the files their times back so neither `make build`'s stamp
# nor another profile's build sees a change that is not there.
roots=(app/src/lib.rs server/src/lib.rs)
declare -A times
for root in "${roots[@]}"; do
  times[$root]=$(stat -c %Y "$root")
  touch "$root"
done
restore() {
  for root in "${roots[@]}"; do touch -d "@${times[$root]}" "$root"; done
  rm -rf "$work"
}
trap restore EXIT

SQLX_OFFLINE=false DATABASE_URL="sqlite://$work/schema.db" SQLX_OFFLINE_DIR="$work/queries" \
  cargo check --quiet -p server --lib --bins

if $check; then
  if ! diff -r .sqlx "$work/queries" >"$work/diff"; then
    cat "$work/diff" >&2
    echo "sqlx-prepare: .sqlx/ is stale; run scripts/sqlx-prepare.sh and commit .sqlx/" >&2
    exit 1
  fi
else
  rm -rf .sqlx
  cp -r "$work/queries" .sqlx
  echo "sqlx-prepare: wrote $(ls .sqlx | wc -l) statements to .sqlx/"
fi
