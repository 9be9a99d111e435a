# Sourced by scripts/bench.d/profile (and profile-client-relay, for its helpers): the mock, and the gateway (BIN) under callgrind with the
# benchmark's config, in a temp folder D; then one scenario at a time, measured between a zero and a dump.
#   callgrind_gateway NAME [VALGRIND_OPTIONS...]   starts both (sets D, GP, VG, KEY, H; bodies in $D/SCENARIO.json)
#   measure_unary SCENARIO SECONDS URL             warms up, zeroes, runs wrk on one connection, dumps; UNITS is set
#                                                  to the requests made
#   measure_streams SCENARIO COUNT                 the same with COUNT streams of plexus-bench; UNITS: the events
# Each measurement is dump number $part: $D/cg.out.$part (with --separate-threads, $D/cg.out.$part-THREAD).
# Needs HERE (scripts/bench.d), BIN and CLIENT set; installs valgrind if missing; needs gcc.
command -v valgrind >/dev/null || { apt-get update -q >/dev/null; apt-get install -y -q valgrind >/dev/null; }

# The gateway under valgrind can outlive a plain TERM (graceful shutdown under instrumentation): KILL after 2 s.
cleanup() {
  for p in ${PIDS:-}; do kill "$p" 2>/dev/null || true; done
  sleep 2
  for p in ${PIDS:-}; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

callgrind_gateway() {
  local name=$1; shift
  D=$(mktemp -d "/tmp/plexus-$name-XXXX")
  # Valgrind 3.19 cannot read the toolchain's DWARF 5 (strip it, symbols stay) and crashes when libdispatch's
  # dispatch_main exits the main thread (async main): the shim runs the main queue from a run loop instead.
  objcopy --strip-debug "$BIN" "$D/plexus"
  gcc -shared -fPIC -O2 "$HERE/dispatch_main_shim.c" -o "$D/shim.so" -ldl
  local mp; mp=$(port); GP=$(port)
  "$BIN" mock --port "$mp" >"$D/mock.log" 2>&1 & PIDS="$!"
  sed -e "s#@DIR@#$D#g; s#@PORT@#$GP#g; s#@MOCK_PORT@#$mp#g" "$HERE/plexus.yaml.tmpl" >"$D/plexus.yaml"
  KEY=sk-bench-profile-000000000000000
  # PROFILE_AUTH_KEY sends another configured key (the bench config's `limited`: what counting limits costs).
  H="Authorization: Bearer ${PROFILE_AUTH_KEY:-$KEY}"
  PLEXUS_BENCH_KEY=$KEY LD_PRELOAD="$D/shim.so" valgrind --tool=callgrind --callgrind-out-file="$D/cg.out" "$@" \
    "$D/plexus" serve --config "$D/plexus.yaml" >"$D/gateway.log" 2>&1 & VG=$!; PIDS="$PIDS $VG"
  for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$GP/health" && break; sleep 0.2; done
  (cd "$HERE" && python3 -c "
import benchlib as B
for name, body in {'pass': B.chat_body('bench-chat'), 'o2a': B.chat_body('bench-msg'),
                   'a2g': B.messages_body('bench-gem'), 'm2m': B.messages_body('bench-msg'),
                   'g2c': B.gemini_body(), 'pass_s': B.chat_body('bench-chat-s500', stream=True),
                   'o2a_s': B.chat_body('bench-msg-s500', stream=True)}.items():
    open('$D/' + name + '.json', 'wb').write(body)")
  part=0
}

measure_unary() {  # scenario seconds url
  BENCH_BODY="$D/$1.json" BENCH_HEADERS="$H" wrk -t1 -c1 -d3s -s "$HERE/post.lua" "$3" >/dev/null
  callgrind_control -z "$VG" >/dev/null
  UNITS=$(BENCH_BODY="$D/$1.json" BENCH_HEADERS="$H" wrk -t1 -c1 -d"$2"s -s "$HERE/post.lua" "$3" \
    | sed -n 's/^BENCH_JSON {"requests":\([0-9]*\).*/\1/p')
  callgrind_control -d "$VG" >/dev/null; part=$((part + 1))
}

measure_streams() {  # scenario count
  local url="http://127.0.0.1:$GP/v1/chat/completions"
  "$CLIENT" streams --url "$url" --body "$D/$1.json" --header "$H" --count 2 --warmup 1 >/dev/null
  callgrind_control -z "$VG" >/dev/null
  UNITS=$("$CLIENT" streams --url "$url" --body "$D/$1.json" --header "$H" --count "$2" --warmup 0 \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print(int(r["events_per_stream"] * r["streams"]))')
  callgrind_control -d "$VG" >/dev/null; part=$((part + 1))
}
