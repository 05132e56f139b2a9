# Sourced by the test scripts: start_mock LOG SERVEBENCH [MOCK FLAGS...] starts `servebench mock`
# on a free port in the background and sets mock_pid and url (http://127.0.0.1:PORT) once the mock
# says it listens; the caller stops it (kill "$mock_pid").
start_mock() {
  local log=$1 servebench=$2
  shift 2
  "$servebench" mock --port 0 "$@" >"$log" 2>&1 &
  mock_pid=$!
  url=""
  for _ in $(seq 1 100); do
    url=$(grep -o 'http://[0-9.:]*' "$log" || true)
    [ -n "$url" ] && return 0
    sleep 0.05  # waiting for the mock's "listening" line, not synchronising a test
  done
  echo "mock did not start:"
  cat "$log"
  return 1
}
