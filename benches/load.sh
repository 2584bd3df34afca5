#!/usr/bin/env bash
# One load benchmark of the portal at national scale (issue #14).
#
#   benches/load.sh                       # N=150000 on SQLite (+ PostgreSQL if reachable)
#   N=10000 benches/load.sh               # another size
#   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres benches/load.sh
#   BENCH_POSTGRES_URL=none benches/load.sh   # SQLite only
#   DURATION=10 (seconds per page), BENCH_NOTE="…" (a line for BENCHMARKS.md),
#   SKIP_BUILD=1, BIN=path/to/mobilimza, BENCH_OUT=file (default BENCHMARKS.md)
#
# Builds the release binary with `--features bench` (the same-stack ceiling
# route GET /bench/fortunes), seeds `seed-demo --scale N` into a fresh SQLite
# file (and a fresh PostgreSQL database `mobilimza_bench`, dropped after),
# serves it pinned to core 0 and runs wrk pinned to core 1
# (`-t1 -c32 -d${DURATION}s --latency`) against each page, logged in through
# the login form as reviewer, officer and finance; then serves again with
# PAGE_CACHE=0 for the lists' uncached cost. Prints a table (req/s,
# p50, p99, ratio to the ceiling's req/s, peak RSS of the server) and writes
# it to BENCHMARKS.md with the date, the machine and N.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-150000}
DURATION=${DURATION:-10}
PORT=${PORT:-18480}
BASE="http://127.0.0.1:$PORT"
OUT=${BENCH_OUT:-$ROOT/BENCHMARKS.md}
WORK=$(mktemp -d /tmp/mobilimza-load.XXXXXX)
BIN=${BIN:-$ROOT/target/release/mobilimza}
PG_ADMIN=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SERVER_PID=

cleanup() {
    if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
    echo "wrk yok; Debian paketinden kuruluyor" >&2
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

if [[ -z ${SKIP_BUILD:-} ]]; then
    nice -n 10 cargo build --release --features bench --bin mobilimza
fi

# --- helpers ---------------------------------------------------------------

# wrk's latency summary in ms.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
        else printf "%s", v }'
}

# login EMAIL PASSWORD JAR: through the form, CSRF token from the page.
login() {
    local email=$1 password=$2 jar=$3 token status
    token=$(curl -s -c "$jar" -b "$jar" "$BASE/giris" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
    status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -H "Origin: $BASE" \
        --data-urlencode "csrf_token=$token" --data-urlencode "email=$email" \
        --data-urlencode "password=$password" --data-urlencode "next=/" "$BASE/giris")
    [[ $status == 303 ]] || { echo "giriş başarısız: $email ($status)" >&2; exit 1; }
}

cookie_of() { awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$1"; }

CEILING=
ROWS=()
# One session key for the run, so a login outlives a restart of the server.
SESSION_KEY=$(head -c 64 /dev/urandom | base64 -w0)

# ticks of CPU used so far by the server and the PostgreSQL processes.
busy_ticks() {
    local pid total=0
    for pid in $SERVER_PID $(pgrep -x postgres || true); do
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# settle: wait (at most 120 s) until the server and the database have been
# idle for half a second, so a row does not pay for the requests the
# previous row left queued (32 finance pages take seconds to drain).
settle() {
    local a b
    for _ in $(seq 1 240); do
        a=$(busy_ticks)
        sleep 0.5
        b=$(busy_ticks)
        ((b - a <= 3)) && return 0
    done
    echo "  (server still busy after 120 s)" >&2
}

# measure LABEL PATH [COOKIE]: one wrk run after the server settled
# (SETTLED=1: the caller settled it); appends a row.
measure() {
    local label=$1 path=$2 cookie=${3:-} out rps p50 p99 errors done_n code
    [[ -n ${SETTLED:-} ]] || settle
    code=$(curl -s -o /dev/null -w '%{http_code}' ${cookie:+-H "Cookie: $cookie"} "$BASE$path")
    [[ $code == 200 ]] || { echo "$label: $path -> HTTP $code" >&2; exit 1; }
    out=$(taskset -c 1 wrk -t1 -c32 -d"${DURATION}s" --timeout 30s --latency ${cookie:+-H "Cookie: $cookie"} "$BASE$path")
    rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    errors=$(awk '/Non-2xx/ { e += $5 } /Socket errors/ { gsub(",", ""); e += $4 + $6 + $8 + $10 } END { print e + 0 }' <<<"$out")
    done_n=$(awk '/requests in/ { print $1 }' <<<"$out")
    [[ -z $CEILING ]] && CEILING=$rps
    ROWS+=("$(printf '| %s | `%s` | %s | %s | %s | %s | %s | %s |' "$label" "$path" "$rps" "$p50" "$p99" \
        "$(awk -v a="$rps" -v c="$CEILING" 'BEGIN { printf "%.4f", a / c }')" "$done_n" "$errors")")
    printf '  %-38s %8s req/s  p50 %8s ms  p99 %8s ms\n' "$label" "$rps" "$p50" "$p99" >&2
}

# The queue while a login storm runs from the same IP (wrong passwords for
# random e-mails): the per-IP lockout (20 per 15 min) answers most with 429.
measure_under_storm() {
    local cookie=$1 path=$2 jar=$WORK/storm.jar token storm_cookie lua=$WORK/storm.lua
    token=$(curl -s -c "$jar" -b "$jar" "$BASE/giris" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
    storm_cookie=$(cookie_of "$jar")
    cat >"$lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$storm_cookie"
wrk.headers["Origin"] = "$BASE"
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function() counts = {} end
request = function()
  local email = "kisi" .. math.random(1, 100000000) .. "@kurum.gov.tr"
  return wrk.format(nil, "/giris", nil, "csrf_token=$token&email=" .. email .. "&password=yanlis-parola&next=%2F")
end
response = function(status) counts[status] = (counts[status] or 0) + 1 end
done = function(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("counts")) do total[code] = (total[code] or 0) + n end
  end
  io.write("storm-statuses")
  for code, n in pairs(total) do io.write(" " .. code .. "=" .. n) end
  io.write("\n")
end
LUA
    settle
    taskset -c 1 wrk -t1 -c8 -d"$((DURATION + 2))s" -s "$lua" "$BASE/giris" >"$WORK/storm.out" 2>&1 &
    local storm=$!
    sleep 1
    SETTLED=1 measure "queue during a login storm" "$path" "$cookie"
    wait "$storm" || true
    STORM=$(awk '/^Requests\/sec/ { printf "%.0f req/s", $2 } /^storm-statuses/ { $1 = ""; s = $0 } END { print ";" s }' "$WORK/storm.out")
}

# run BACKEND DATABASE_URL: seed, serve, measure, write the section.
run() {
    local backend=$1 url=$2
    local seed_log=$WORK/seed-$backend.log
    CEILING=
    ROWS=()
    echo "== $backend: seeding N=$N" >&2
    local t0 t1
    t0=$(date +%s.%N)
    SESSION_KEY=$SESSION_KEY DATABASE_URL=$url "$BIN" migrate >/dev/null 2>&1
    SESSION_KEY=$SESSION_KEY DATABASE_URL=$url nice -n 0 "$BIN" seed-demo --scale "$N" >"$seed_log" 2>&1 || { cat "$seed_log" >&2; exit 1; }
    t1=$(date +%s.%N)
    local seed_secs
    seed_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    pass() { awk -v e="$1@" '$0 ~ e { print $NF }' "$seed_log"; }
    local email_sef="sef@demo.mobilimza.test" email_sorumlu="sorumlu@demo.mobilimza.test" email_mali="mali@demo.mobilimza.test"

    # serve [VAR=VALUE…]: the server pinned to core 0.
    serve() {
        env "$@" SESSION_KEY="$SESSION_KEY" DATABASE_URL="$url" BIND=127.0.0.1:$PORT BASE_URL=$BASE RUST_LOG=warn \
            taskset -c 0 "$BIN" serve >>"$WORK/serve-$backend.log" 2>&1 &
        SERVER_PID=$!
        for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
    }
    stop() {
        kill "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    }
    local sef sorumlu mali month deep
    serve
    # Logged in once: the sessions (and SESSION_KEY) outlive a restart.
    login "$email_sef" "$(pass sef)" "$WORK/sef.jar"
    login "$email_sorumlu" "$(pass sorumlu)" "$WORK/sorumlu.jar"
    login "$email_mali" "$(pass mali)" "$WORK/mali.jar"
    sef=$(cookie_of "$WORK/sef.jar")
    sorumlu=$(cookie_of "$WORK/sorumlu.jar")
    mali=$(cookie_of "$WORK/mali.jar")
    month=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m)
    deep=$((N / 20))

    echo "== $backend: measuring ($DURATION s each)" >&2
    measure "ceiling: /bench/fortunes" "/bench/fortunes"
    measure "queue, first page" "/inceleme" "$sef"
    measure "queue, filtered deep page" "/inceleme?sekme=all&il=34&sonra=$deep" "$sef"
    measure "queue, name search" "/inceleme?sekme=all&q=y%C4%B1lmaz" "$sef"
    measure "request page" "/talep/$((N / 2))" "$sef"
    measure "officer: staff list" "/personel" "$sorumlu"
    measure "officer: staff search" "/personel?q=%C3%B6zt%C3%BCrk" "$sorumlu"
    measure "finance report" "/mali" "$mali"
    measure "finance: monthly page" "/mali/aylik?ay=$month" "$mali"
    measure_under_storm "$sef" "/inceleme"

    local rss
    rss=$(awk '/VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$SERVER_PID/status")
    stop

    # The same lists with no page kept in memory: what a view costs when the
    # data changed since the last one (every view reads the database).
    serve PAGE_CACHE=0
    measure "queue, first page (PAGE_CACHE=0)" "/inceleme" "$sef"
    measure "queue, name search (PAGE_CACHE=0)" "/inceleme?sekme=all&q=y%C4%B1lmaz" "$sef"
    measure "officer: staff list (PAGE_CACHE=0)" "/personel" "$sorumlu"
    measure "officer: staff search (PAGE_CACHE=0)" "/personel?q=%C3%B6zt%C3%BCrk" "$sorumlu"
    stop

    {
        echo "### $backend"
        echo
        echo "Seed (\`seed-demo --scale $N\`, ${BIN#"$ROOT"/}, incl. migrations): ${seed_secs} s."
        echo "$(grep -m1 'yüklendi' "$seed_log")"
        echo
        echo "| page | path | req/s | p50 ms | p99 ms | ratio to ceiling | requests | errors |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|"
        printf '%s\n' "${ROWS[@]}"
        echo
        echo "Peak RSS of the server (VmHWM): $rss. Login storm alongside the last row (wrk -c8 on POST /giris, same IP): ${STORM%%;*}; statuses:${STORM#*;}."
        echo
    } >>"$WORK/sections.md"
}

# --- runs --------------------------------------------------------------------

run SQLite "sqlite://$WORK/bench.db"

if [[ $PG_ADMIN != none ]] && psql "$PG_ADMIN" -qtAc 'SELECT 1' >/dev/null 2>&1; then
    psql "$PG_ADMIN" -qc 'DROP DATABASE IF EXISTS mobilimza_bench' >/dev/null
    psql "$PG_ADMIN" -qc 'CREATE DATABASE mobilimza_bench' >/dev/null
    PG_URL="${PG_ADMIN%/*}/mobilimza_bench"
    run PostgreSQL "$PG_URL"
    psql "$PG_ADMIN" -qc 'DROP DATABASE IF EXISTS mobilimza_bench' >/dev/null
else
    echo "== PostgreSQL skipped (no server at BENCH_POSTGRES_URL)" >&2
fi

{
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), N = $N"
    echo
    echo "Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo);" \
        "server pinned to core 0 (\`taskset -c 0\`), wrk to core 1 (\`wrk -t1 -c32 -d${DURATION}s --timeout 30s --latency\`);" \
        "errors = non-2xx answers and socket errors (timeouts)." \
        "Commit $(git rev-parse --short HEAD)${BENCH_NOTE:+. $BENCH_NOTE}"
    echo
    cat "$WORK/sections.md"
} >"$WORK/report.md"

if [[ ! -f $OUT ]]; then
    cat >"$OUT" <<'HEAD'
# Benchmarks

Written by `benches/load.sh` (newest first). Each run measures, on one
machine and in one go, a same-stack ceiling (`GET /bench/fortunes`: one query
of a 12-row table, a row added in memory, sorted, an escaped askama template —
actix-web, the middleware, the pool, diesel and askama, nothing of the
portal's own work) and the portal's heavy pages on a `seed-demo --scale N`
dataset. Absolute figures depend on the machine; the ratio to the ceiling of
the same run is what compares.

HEAD
fi
# Newest run first, after the header.
awk -v report="$WORK/report.md" '
    !done && /^## / { while ((getline line < report) > 0) print line; done = 1 }
    { print }
    END { if (!done) while ((getline line < report) > 0) print line }' "$OUT" >"$WORK/out.md"
cp "$WORK/out.md" "$OUT"
cat "$WORK/report.md"
