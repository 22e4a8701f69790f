#!/usr/bin/env bash
# SQL injection scan (issue 9, item 5): `npm run sqlmap` — docs/reliability.md "Injection (sqlmap)".
#
# Needs Debian's sqlmap (sudo apt-get install -y sqlmap); manual, not part of CI or npm test (≈ 10 minutes).
# Starts the built server (NODE_ENV=production; `npm run build` first when build/ is missing) on a fresh embedded
# database with the demo data in a temporary DATA_DIR — or on DATABASE_URL when it is set — then runs sqlmap in
# batch mode against the search page, the JSON API (query and path parameters), a listing page and the public
# POST forms (/login, /register, /lists/subscribe), and writes one line per target to
# tests/security/results/sqlmap-latest.txt, with the server's answers counted by status from its request log.
# Exit 0 when no target is injectable and every target was tested to the end (and no answer was a 5xx).
#
#   SQLMAP_PORT    server port (default 3610; must be free)
#   SQLMAP_LEVEL   sqlmap --level (default 3: GET/POST parameters, cookies, User-Agent and Referer)
#   SQLMAP_RISK    sqlmap --risk (default 2: adds heavy time-based tests)
#   SQLMAP_ONLY    run only the targets whose name contains this text (e.g. login)
#   SQLMAP_OUT     summary file (default tests/security/results/sqlmap-latest.txt; with SQLMAP_ONLY …-partial.txt)
#
# Rate limits (login 30 per IP and 10 per address per 15 min, registration 10 per IP per hour, subscription 10
# per IP per hour and 3 per address per day) would answer 429 to most of sqlmap's requests. The scan keeps them at
# their production defaults (only the login limits are configurable; no back door is added for the scan). Instead
# the server runs with TRUST_PROXY=1 (an
# ordinary production setting: one reverse proxy in front) and sqlmap's `xforwardedfor` tamper script gives every
# payload request a random X-Forwarded-For address, so each one counts as a different client; `--eval` gives every
# request a fresh e-mail address when another parameter of /login or /register is tested, so the per-address limits
# do not stop the scan either. The 429 count of every target is in the summary.
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${SQLMAP_PORT:-3610}
LEVEL=${SQLMAP_LEVEL:-3}
RISK=${SQLMAP_RISK:-2}
ONLY=${SQLMAP_ONLY:-}
# A partial run (SQLMAP_ONLY) does not replace the summary of the last full run unless SQLMAP_OUT says so.
if [ -n "$ONLY" ]; then default_out=tests/security/results/sqlmap-partial.txt; else default_out=tests/security/results/sqlmap-latest.txt; fi
OUT=${SQLMAP_OUT:-$default_out}
BASE="http://127.0.0.1:$PORT"

if ! command -v sqlmap >/dev/null; then
  echo 'sqlmap is not installed: sudo apt-get install -y sqlmap' >&2
  exit 69
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "port $PORT is in use (choose another with SQLMAP_PORT)" >&2
  exit 1
fi
[ -f build/server/index.js ] || npm run build
# Another `npm run build` (the browser tests run one) may be rewriting build/: wait until it has settled.
for _ in $(seq 1 300); do
  [ -f build/server/index.js ] && [ $(( $(date +%s) - $(stat -c %Y build/server/index.js) )) -gt 5 ] && break
  sleep 1
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/helin-sqlmap.XXXXXX")
server_pid=''
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

server_log="$tmp/server.log"
NODE_ENV=production PORT=$PORT HOST=127.0.0.1 DATA_DIR="$tmp/data" DATABASE_URL="${DATABASE_URL:-}" \
  LOG_LEVEL=info TRUST_PROXY=1 SEED_DEMO=auto \
  node --import tsx server.ts >"$server_log" 2>&1 &
server_pid=$!
for _ in $(seq 1 180); do
  curl -sf "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo 'the server exited before it was ready:' >&2; tail -n 30 "$server_log" >&2; exit 1; }
  sleep 1
done
curl -sf "$BASE/readyz" >/dev/null || { echo 'the server was not ready within 180 s' >&2; exit 1; }

id=$(curl -sf "$BASE/api/v1/listings?per_page=1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(String(JSON.parse(s).data[0].id)))')
version=$(sqlmap --version 2>/dev/null | head -n1)
echo "[sqlmap] server ready on $BASE (${DATABASE_URL:+PostgreSQL}${DATABASE_URL:-PGlite}); live listing $id; sqlmap $version; level $LEVEL, risk $RISK"

q=$(node -e 'process.stdout.write(encodeURIComponent("乳"))')
region=$(node -e 'process.stdout.write(encodeURIComponent("和林格尔县"))')
# --eval snippets (Python; sqlmap turns each ';' into a new line): a fresh e-mail address, a fresh valid USCC
# (GB 32100-2015 check character, as app/features/orgs/rules.ts), so that requests are not refused as duplicates.
fresh_email="import random; email='scan%d@example.cn' % random.randint(1, 10**12)"
fresh_uscc="import random; A='0123456789ABCDEFGHJKLMNPQRTUWXY'; W=[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28]; b='91'+''.join(random.choice('0123456789') for _ in range(6))+''.join(random.choice(A) for _ in range(9)); c=31-sum(A.index(x)*w for x, w in zip(b, W))%31; uscc=b+A[0 if c == 31 else c]; del A, W, b, c"
register_form="displayName=Scan&email=scan@example.cn&phone=13800000000&password=correct-horse-battery-9&passwordConfirm=correct-horse-battery-9&mode=new&organisationName=Scan+Org&organisationType=enterprise&uscc=91150123MA0N7QXK2C&region=$region"

# name | sqlmap target arguments (word-split on purpose: no spaces inside an argument)
targets=(
  "search-page|-u $BASE/search?q=$q&kind=demand&field=dairy&region=$region&sort=relevance&page=1"
  "search-api|-u $BASE/api/v1/search?q=$q&kind=demand&field=dairy&region=$region&sort=newest&page=1&per_page=20"
  "listings-api|-u $BASE/api/v1/listings?kind=demand&field=dairy&page=1&per_page=20"
  "listing-api-id|-u $BASE/api/v1/listings/$id*"
  "listing-page-id|-u $BASE/listings/$id*"
  "login-email|-u $BASE/login --data=email=scan@example.cn&password=wrong-password-1 -p email"
  "login-password|-u $BASE/login --data=email=scan@example.cn&password=wrong-password-1 -p password,User-Agent,Referer --eval=EMAIL"
  "register-email|-u $BASE/register --data=$register_form -p email --eval=USCC"
  "register-uscc|-u $BASE/register --data=$register_form -p uscc --eval=EMAIL"
  "register-other|-u $BASE/register --data=$register_form -p displayName,phone,organisationName,organisationType,region,mode --eval=BOTH"
  "subscribe|-u $BASE/lists/subscribe --data=email=scan@example.cn -p email"
)

mkdir -p "$(dirname "$OUT")"
summary="$tmp/summary.txt"
started=$(date +%s)
failures=0
for entry in "${targets[@]}"; do
  name=${entry%%|*}
  [ -n "$ONLY" ] && [[ "$name" != *"$ONLY"* ]] && continue
  read -r -a args <<<"${entry#*|}"
  for i in "${!args[@]}"; do
    case "${args[$i]}" in
      --eval=EMAIL) args[i]="--eval=$fresh_email" ;;
      --eval=USCC) args[i]="--eval=$fresh_uscc" ;;
      --eval=BOTH) args[i]="--eval=$fresh_email; $fresh_uscc" ;;
    esac
  done
  log_before=$(wc -l <"$server_log")
  t0=$(date +%s)
  echo "[sqlmap] $name …"
  sqlmap "${args[@]}" --batch --flush-session --output-dir="$tmp/out" --level="$LEVEL" --risk="$RISK" \
    --dbms=PostgreSQL --threads=4 --tamper=xforwardedfor --headers="Origin: $BASE" --drop-set-cookie \
    --timeout=30 --retries=1 \
    >"$tmp/$name.log" 2>&1 || true
  seconds=$(( $(date +%s) - t0 ))
  tested=$(grep -oE "parameter '[^']+' (does not seem|is not) (to be )?injectable|parameter '[^']+' is vulnerable|URI parameter '[^']+'" "$tmp/$name.log" \
    | grep -oE "'[^']+'" | tr -d "'" | sort -u | paste -sd, - || true)
  if grep -q 'identified the following injection point' "$tmp/$name.log"; then
    result='INJECTABLE'
  elif grep -q 'all tested parameters do not appear to be injectable' "$tmp/$name.log"; then
    result='no injectable parameter found'
  else
    result='INCONCLUSIVE (see the sqlmap output)'
  fi
  statuses=$(tail -n +"$((log_before + 1))" "$server_log" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const n = {};
      for (const line of s.split("\n")) {
        try { const r = JSON.parse(line); if (r.res?.statusCode) n[r.res.statusCode] = (n[r.res.statusCode] ?? 0) + 1; } catch {}
      }
      const total = Object.values(n).reduce((a, b) => a + b, 0);
      process.stdout.write(`${total} requests: ` + Object.entries(n).map(([k, v]) => `${k}×${v}`).join(" "));
    });')
  line="$name: $result; parameters: ${tested:-?}; $statuses; ${seconds} s"
  echo "[sqlmap] $line"
  echo "$line" >>"$summary"
  if [ "$result" != 'no injectable parameter found' ] || [[ "$statuses" =~ 5[0-9][0-9]× ]]; then
    failures=$((failures + 1))
    echo "---- sqlmap output of $name (last 40 lines)"; tail -n 40 "$tmp/$name.log"
  fi
done

{
  echo "sqlmap scan of a local server — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "sqlmap $version; --level=$LEVEL --risk=$RISK --dbms=PostgreSQL --threads=4 --tamper=xforwardedfor --drop-set-cookie --batch --flush-session"
  echo "server: NODE_ENV=production, ${DATABASE_URL:+PostgreSQL}${DATABASE_URL:-PGlite} with the demo data, TRUST_PROXY=1; $(nproc) CPUs, $(uname -sr), Node $(node -v)"
  echo "total $(( $(date +%s) - started )) s; $failures target(s) failed"
  echo
  cat "$summary"
} >"$OUT"
echo "[sqlmap] written $OUT"
[ "$failures" -eq 0 ]
