#!/usr/bin/env bash
# The topology of deploy/docker-compose.yml without Docker, on this machine, for load and
# fault tests: nginx (127.0.0.1:$STACK_PORT) in front of two gunicorn app servers
# (deploy/gunicorn.conf.py, on two loopback ports) and the scheduler (`manage.py
# scheduler`: the leaderboards' heal every 30 s), on the local PostgreSQL and Redis.
#
#   deploy/stack.sh up       start what is not running yet (idempotent), wait until healthy
#   deploy/stack.sh status   what runs, and whether it answers (exit 1 unless all is well)
#   deploy/stack.sh down     stop what `up` started: only the pids in its pid files
#
# Settings (environment):
#   STACK_PORT=8080  STACK_WEB1_PORT=8081  STACK_WEB2_PORT=8082   ports, all on 127.0.0.1
#   STACK_DIR=<repo>/.stack           pid files, logs, the secret key, nginx temp files, media
#   STACK_PG_URL=postgres://postgres@127.0.0.1:5432   the PostgreSQL server (no database name)
#   STACK_DB=raiplay_stack            database on that server (created if missing)
#   STACK_REDIS_URL=redis://127.0.0.1:6379/2
#   STACK_WAIT=60                     seconds any one wait may take
# GUNICORN_* and LOG_FORMAT in the caller's environment reach the app servers; further app
# settings (say CHAT_API_KEY) go in $STACK_DIR/app.env, one KEY=VALUE a line (no quoting).
# PostgreSQL and Redis are shared: this script never starts or stops them.
#
# Every client of the stack is on loopback, as nginx is, so the app believes a client's own
# X-Forwarded-For (DJANGO_TRUSTED_PROXIES=127.0.0.1): a load test can pose as many addresses.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${STACK_DIR:-$REPO/.stack}
PORT=${STACK_PORT:-8080}
WEB1_PORT=${STACK_WEB1_PORT:-8081}
WEB2_PORT=${STACK_WEB2_PORT:-8082}
DB=${STACK_DB:-raiplay_stack}
REDIS=${STACK_REDIS_URL:-redis://127.0.0.1:6379/2}
WAIT=${STACK_WAIT:-60}
PG=${STACK_PG_URL:-postgres://postgres@127.0.0.1:5432}
PY=$REPO/.venv/bin/python
GUNICORN=$REPO/.venv/bin/gunicorn
LOGS=$STATE/logs
NGINX_DIR=$STATE/nginx
NGINX_CONF=$NGINX_DIR/nginx.conf
NGINX_PID=$NGINX_DIR/nginx.pid
WEBS=(web1 web2)

say() { printf 'stack: %s\n' "$*"; }
die() {
  printf 'stack: %s\n' "$*" >&2
  exit 1
}

check_settings() {
  local port
  for port in "$PORT" "$WEB1_PORT" "$WEB2_PORT"; do
    [[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "not a port: $port"
  done
  [[ $PORT != "$WEB1_PORT" && $PORT != "$WEB2_PORT" && $WEB1_PORT != "$WEB2_PORT" ]] ||
    die "STACK_PORT, STACK_WEB1_PORT and STACK_WEB2_PORT must differ"
  [[ $DB =~ ^[a-z_][a-z0-9_]*$ ]] || die "STACK_DB must be a plain lower-case name: $DB"
  [[ $PG =~ ^postgres(ql)?://[^/]+$ ]] || die "STACK_PG_URL is a server without a database name: $PG"
  [[ $WAIT =~ ^[0-9]+$ ]] || die "STACK_WAIT must be a number of seconds: $WAIT"
}

web_port() { if [[ $1 == web1 ]]; then echo "$WEB1_PORT"; else echo "$WEB2_PORT"; fi; }

# The pid in a pid file, if that process is alive and is still one this script started:
# its command line names our own file (gunicorn's --pid, nginx's -c). A pid the system has
# since given to something else is never signalled.
live_pid() {
  local file=$1 mark=$2 pid
  [[ -s $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  running "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$mark" || return 1
  echo "$pid"
}

web_pid() { live_pid "$STATE/$1.pid" "$STATE/$1.pid"; }
scheduler_pid() { live_pid "$STATE/scheduler.pid" "$STATE/scheduler.pid"; }
nginx_pid() { live_pid "$NGINX_PID" "$NGINX_CONF"; }

# HTTP status of a GET (0 when nothing answers); extra arguments are "Name: value" headers.
http_status() {
  "$PY" - "$@" <<'EOF'
import sys
import urllib.error
import urllib.request

request = urllib.request.Request(sys.argv[1])
for header in sys.argv[2:]:
    name, _, value = header.partition(":")
    request.add_header(name.strip(), value.strip())
try:
    with urllib.request.urlopen(request, timeout=3) as response:
        print(response.status)
except urllib.error.HTTPError as error:
    print(error.code)
except Exception:
    print(0)
EOF
}

# Whether something accepts connections on 127.0.0.1:port.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Wait (at most $WAIT s) until a URL answers 200; with a pid, give up early if it dies.
wait_healthy() {
  local url=$1 pid=${2:-} deadline=$((SECONDS + WAIT))
  while ((SECONDS < deadline)); do
    [[ $(http_status "$url") == 200 ]] && return 0
    if [[ -n $pid ]] && ! running "$pid"; then return 1; fi
    sleep 0.5
  done
  return 1
}

# A process that has exited but not been reaped yet (a zombie) counts as gone.
running() {
  kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Wait (at most $2 s) until a pid has gone.
wait_gone() {
  local pid=$1 deadline=$((SECONDS + $2))
  while running "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
  ! running "$pid"
}

secret_key() {
  local file=$STATE/secret_key
  if [[ ! -s $file ]]; then
    (umask 077 && "$PY" -c 'import secrets, string
alphabet = string.ascii_letters + string.digits + "-_"
print("".join(secrets.choice(alphabet) for _ in range(64)))' >"$file")
  fi
  cat "$file"
}

# The app servers' environment, in APP_ENV: nothing of the caller's but PATH/HOME,
# GUNICORN_*/LOG_FORMAT and $STACK_DIR/app.env (so a DATABASE_URL or DJANGO_DEBUG in the
# caller's shell cannot point the stack elsewhere). Run with: env -i "${APP_ENV[@]}" ...
app_env() {
  APP_ENV=(
    PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 PYTHONUNBUFFERED=1
    DJANGO_SETTINGS_MODULE=raiplay.settings
    DJANGO_DEBUG=0
    DJANGO_SECRET_KEY="$(secret_key)"
    DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
    DJANGO_SECURE_SSL_REDIRECT=0
    DJANGO_BEHIND_PROXY=1
    DJANGO_TRUSTED_PROXIES=127.0.0.1
    DJANGO_MEDIA_ROOT="$STATE/media"
    DATABASE_URL="$PG/$DB"
    REDIS_URL="$REDIS"
    WEB_CONCURRENCY=2
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1 # as the Dockerfile: huge pages for Argon2's block
  )
  local name line
  for name in $(compgen -e); do
    case $name in GUNICORN_* | LOG_FORMAT) APP_ENV+=("$name=${!name}") ;; esac
  done
  if [[ -f $STATE/app.env ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
      [[ $line =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "$STATE/app.env: not KEY=VALUE: $line"
      APP_ENV+=("$line")
    done <"$STATE/app.env"
  fi
}

manage() { env -i "${APP_ENV[@]}" "$PY" "$REPO/manage.py" "$@"; }

# ---- prerequisites ------------------------------------------------------------------

find_nginx() {
  command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || return 1
}

ensure_nginx() {
  NGINX=$(find_nginx) && return 0
  ((EUID == 0)) || die "nginx is not installed (sudo apt-get install -y nginx)"
  say "installing nginx (apt-get install -y nginx)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q nginx >"$LOGS/apt.log" 2>&1 ||
    { apt-get update -q >>"$LOGS/apt.log" 2>&1 && apt-get install -y -q nginx >>"$LOGS/apt.log" 2>&1; } ||
    die "apt-get install nginx failed, see $LOGS/apt.log"
  NGINX=$(find_nginx) || die "nginx installed but not found on PATH"
}

check_services() {
  [[ -x $PY && -x $GUNICORN ]] || die "no virtualenv with gunicorn at $REPO/.venv (make install)"
  "$PY" - "$PG/postgres" "$REDIS" <<'EOF' || die "PostgreSQL ($PG) or Redis ($REDIS) does not answer"
import sys

import psycopg
import redis

psycopg.connect(sys.argv[1], connect_timeout=3).close()
redis.Redis.from_url(sys.argv[2], socket_connect_timeout=3).ping()
EOF
}

# Exit status 0: created, 3: it exists, anything else: failed.
create_database() {
  "$PY" - "$PG/postgres" "$DB" <<'EOF'
import sys

import psycopg
from psycopg import sql

with psycopg.connect(sys.argv[1], autocommit=True, connect_timeout=3) as connection:
    if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sys.argv[2]]).fetchone():
        sys.exit(3)
    connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(sys.argv[2])))
EOF
}

# ---- up -----------------------------------------------------------------------------

setup_app() {
  local log=$LOGS/setup.log seeded=$STATE/seeded-$DB rc=0
  create_database || rc=$?
  case $rc in
    0)
      say "created database $DB"
      rm -f "$seeded"
      ;;
    3) ;;
    *) die "could not create database $DB on $PG" ;;
  esac
  say "migrate + collectstatic (log: $log)"
  {
    echo "== $(date -Is) migrate"
    manage migrate --noinput
    echo "== $(date -Is) collectstatic"
    manage collectstatic --noinput
  } >>"$log" 2>&1 || die "setup failed, see $log"
  if [[ ! -f $seeded ]]; then
    say "seed_demo (first start on $DB)"
    local out
    out=$(manage seed_demo 2>&1) || {
      printf '%s\n' "$out" >>"$log"
      die "seed_demo failed, see $log"
    }
    printf '== %s seed_demo\n%s\n' "$(date -Is)" "$out" >>"$log"
    (umask 077 && grep ' password: ' <<<"$out" >"$STATE/demo_accounts" || true)
    touch "$seeded"
  fi
  # The boards in Redis, now rather than at the scheduler's first minute.
  manage heal_leaderboards >>"$log" 2>&1 || say "heal_leaderboards failed (the scheduler retries), see $log"
}

start_web() {
  local name=$1 port pid log=$LOGS/$1.log
  port=$(web_port "$name")
  rm -f "$STATE/$name.pid"
  say "starting $name on 127.0.0.1:$port (log: $log)"
  # env and setsid exec in place, so $! is gunicorn's master. setsid: its own session, so
  # a Ctrl-C in the caller's terminal does not reach it; 9>&-: the lock stays here.
  env -i "${APP_ENV[@]}" GUNICORN_BIND="127.0.0.1:$port" \
    setsid "$GUNICORN" --config "$REPO/deploy/gunicorn.conf.py" --chdir "$REPO" \
    --pid "$STATE/$name.pid" --name "raiplay-$name" raiplay.wsgi:application \
    </dev/null >>"$log" 2>&1 9>&- &
  pid=$!
  if ! wait_healthy "http://127.0.0.1:$port/api/v1/health/" "$pid" || ! running "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    tail -n 20 "$log" >&2 || true
    die "$name did not answer 200 on 127.0.0.1:$port/api/v1/health/ within ${WAIT}s"
  fi
  [[ -s $STATE/$name.pid ]] || echo "$pid" >"$STATE/$name.pid"
}

start_scheduler() {
  local pid log=$LOGS/scheduler.log
  rm -f "$STATE/scheduler.pid"
  say "starting the scheduler (log: $log)"
  env -i "${APP_ENV[@]}" setsid "$PY" "$REPO/manage.py" scheduler --pidfile "$STATE/scheduler.pid" \
    </dev/null >>"$log" 2>&1 9>&- &
  pid=$!
  local deadline=$((SECONDS + WAIT))
  until scheduler_pid >/dev/null; do
    running "$pid" || { tail -n 20 "$log" >&2 || true; die "the scheduler exited, see $log"; }
    ((SECONDS < deadline)) || die "the scheduler wrote no pid file within ${WAIT}s"
    sleep 0.2
  done
}

render_nginx_conf() {
  local mime conf_dir user=""
  conf_dir=$(dirname "$("$NGINX" -V 2>&1 | grep -o -- '--conf-path=[^ ]*' | cut -d= -f2)")
  mime=""
  [[ -f $conf_dir/mime.types ]] && mime="include $conf_dir/mime.types;"
  # As root, workers run as the user who started the stack (as the app servers do), so
  # they can read the media and temp directories in the state dir.
  ((EUID == 0)) && user="user $(id -un) $(id -gn);"
  esc() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }
  mkdir -p "$NGINX_DIR/tmp"
  sed -e "s|@STATE@|$(esc "$STATE")|g" -e "s|@PORT@|$PORT|g" \
    -e "s|@WEB1_PORT@|$WEB1_PORT|g" -e "s|@WEB2_PORT@|$WEB2_PORT|g" \
    -e "s|@MIME_TYPES@|$(esc "$mime")|g" -e "s|@USER@|$(esc "$user")|g" \
    "$REPO/deploy/nginx.stack.conf.template" >"$NGINX_CONF.new"
  grep -v '^[[:space:]]*#' "$NGINX_CONF.new" | grep -qE '@[A-Z][A-Z0-9_]*@' && die "unfilled placeholder in $NGINX_CONF.new"
  "$NGINX" -t -q -p "$NGINX_DIR" -c "$NGINX_CONF.new" -e "$LOGS/nginx.error.log" 2>>"$LOGS/nginx.out" ||
    die "nginx rejects the generated config, see $LOGS/nginx.out"
  mv "$NGINX_CONF.new" "$NGINX_CONF"
}

start_nginx() {
  local pid
  render_nginx_conf
  if pid=$(nginx_pid); then
    kill -HUP "$pid" # the config may have changed; a reload keeps serving
    return 0
  fi
  rm -f "$NGINX_PID"
  say "starting nginx on 127.0.0.1:$PORT (logs: $LOGS/nginx.*.log)"
  "$NGINX" -p "$NGINX_DIR" -c "$NGINX_CONF" -e "$LOGS/nginx.error.log" </dev/null >>"$LOGS/nginx.out" 2>&1 9>&- ||
    { tail -n 5 "$LOGS/nginx.error.log" "$LOGS/nginx.out" >&2 || true; die "nginx did not start"; }
  local deadline=$((SECONDS + WAIT))
  until nginx_pid >/dev/null; do
    ((SECONDS < deadline)) || die "nginx wrote no pid file within ${WAIT}s"
    sleep 0.2
  done
}

up() {
  local ports="$PORT $WEB1_PORT $WEB2_PORT" name started=()
  if [[ -f $STATE/ports ]] && [[ $(<"$STATE/ports") != "$ports" ]] && { nginx_pid || web_pid web1 || web_pid web2; } >/dev/null; then
    die "already running on ports $(<"$STATE/ports") (nginx web1 web2); run 'deploy/stack.sh down' first"
  fi
  ensure_nginx
  check_services
  app_env
  echo "$ports" >"$STATE/ports"
  for name in "${WEBS[@]}"; do web_pid "$name" >/dev/null || started+=("$name"); done
  # Fail before any setup if a port this run needs is someone else's.
  for name in "${started[@]}"; do
    ! port_taken "$(web_port "$name")" || die "127.0.0.1:$(web_port "$name") is taken by another program (STACK_${name^^}_PORT picks another)"
  done
  nginx_pid >/dev/null || ! port_taken "$PORT" || die "127.0.0.1:$PORT is taken by another program (STACK_PORT picks another)"
  if ((${#started[@]})); then
    setup_app
    for name in "${started[@]}"; do start_web "$name"; done
  fi
  scheduler_pid >/dev/null || {
    start_scheduler
    started+=(scheduler)
  }
  start_nginx
  local url="http://127.0.0.1:$PORT"
  wait_healthy "$url/api/v1/health/" || die "nginx: $url/api/v1/health/ did not answer 200 within ${WAIT}s"
  if ((${#started[@]})); then say "up: ${started[*]} started, nginx in front"; else say "already up"; fi
  [[ -s $STATE/demo_accounts ]] && sed 's/^/stack:   /' "$STATE/demo_accounts"
  echo "$url/"
}

# ---- down / status ------------------------------------------------------------------

stop() { # name pid-file mark (see live_pid) seconds-to-wait signal
  local name=$1 file=$2 mark=$3 grace=$4 signal=$5 pid
  if ! pid=$(live_pid "$file" "$mark"); then
    rm -f "$file"
    return 0
  fi
  say "stopping $name (pid $pid)"
  kill "-$signal" "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$grace"; then
    say "$name did not stop within ${grace}s: killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || die "could not stop $name (pid $pid)"
  fi
  rm -f "$file"
}

down() {
  local grace=$((WAIT < 35 ? WAIT : 35)) name
  # nginx first (no new requests), then the app servers finish theirs (TERM is graceful).
  stop nginx "$NGINX_PID" "$NGINX_CONF" "$grace" QUIT
  for name in "${WEBS[@]}"; do stop "$name" "$STATE/$name.pid" "$STATE/$name.pid" "$grace" TERM; done
  stop scheduler "$STATE/scheduler.pid" "$STATE/scheduler.pid" "$grace" TERM
  say "down (PostgreSQL and Redis keep running)"
}

status() {
  local ok=0 pid name port code
  # The ports the stack was started on.
  [[ -f $STATE/ports ]] && read -r PORT WEB1_PORT WEB2_PORT <"$STATE/ports"
  if pid=$(nginx_pid); then
    code=$(http_status "http://127.0.0.1:$PORT/api/v1/health/")
    printf '%-9s running  pid %-8s http://127.0.0.1:%s/  health %s\n' nginx "$pid" "$PORT" "$code"
    [[ $code == 200 ]] || ok=1
  else
    printf '%-9s stopped\n' nginx
    ok=1
  fi
  if pid=$(scheduler_pid); then
    printf '%-9s running  pid %s\n' scheduler "$pid"
  else
    printf '%-9s stopped\n' scheduler
    ok=1
  fi
  for name in "${WEBS[@]}"; do
    port=$(web_port "$name")
    if pid=$(web_pid "$name"); then
      code=$(http_status "http://127.0.0.1:$port/api/v1/health/")
      printf '%-9s running  pid %-8s 127.0.0.1:%s  health %s\n' "$name" "$pid" "$port" "$code"
      [[ $code == 200 ]] || ok=1
    else
      printf '%-9s stopped\n' "$name"
      ok=1
    fi
  done
  return "$ok"
}

main() {
  local command=${1:-}
  case $command in
    up | down | status) ;;
    *) die "usage: deploy/stack.sh up|down|status" ;;
  esac
  check_settings
  mkdir -p "$STATE" "$LOGS" "$STATE/media"
  if [[ $command == status ]]; then
    status
    return
  fi
  # One up or down at a time.
  exec 9>"$STATE/lock"
  flock -w "$WAIT" 9 || die "another 'deploy/stack.sh' holds $STATE/lock"
  "$command"
}

main "$@"
