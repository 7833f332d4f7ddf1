#!/usr/bin/env bash
# The README's test command: installs the servers the tests need, builds the solution once,
# runs every test project, and ends with "tests: N passed, N failed, N skipped".
# Exits non-zero on any failed test, build error or build warning.
#
#   scripts/test.sh            everything (what CI runs)
#   scripts/test.sh Locks      a fast local loop: projects whose name contains "Locks", and in the
#                              other projects only the test classes whose full name contains it
set -uo pipefail
filter="${1:-}"
started_at=$(date +%s)
budget_seconds=900
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/TestResults"
rm -rf "$results" && mkdir -p "$results"

say() { printf '== %s\n' "$*"; }

# --- 1. servers from Debian's packages --------------------------------------------------------
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v etcd >/dev/null || missing+=(etcd-server)
command -v etcdctl >/dev/null || missing+=(etcd-client)
command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
[ -f /usr/share/java/zookeeper.jar ] || missing+=(zookeeper)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$results/apt.log" 2>&1
  status=$?
  if [ $status -ne 0 ]; then
    tail -20 "$results/apt.log"
    echo "test.sh: apt-get install ${missing[*]} failed (exit $status)"
    echo "tests: 0 passed, 1 failed, 0 skipped"
    exit 1
  fi
  # Debian starts some services on install; the tests start their own on free ports.
  for service in redis-server etcd nats-server zookeeper postgresql; do
    $sudo service "$service" stop >/dev/null 2>&1 || true
  done
fi

# Servers left behind by an interrupted earlier run would hold ports and disk.
cleanup_servers() {
  local root="${TMPDIR:-/tmp}/distkit-test" pid
  for pidfile in "$root"/*/server.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    pkill -9 -P "$pid" >/dev/null 2>&1 || true
    kill -9 "$pid" >/dev/null 2>&1 || true
  done
  pkill -9 -f '/distkit-test/' >/dev/null 2>&1 || true
  rm -rf "$root"
}
cleanup_servers

# --- 2. build once ------------------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
say "building DistKit.slnx"
# The compiler server is asked for explicitly (some environments turn it off; compiling every
# project in a fresh compiler is two to three times slower) and shut down after the build.
dotnet build DistKit.slnx -c Release -nologo -clp:NoSummary -v:minimal -p:UseSharedCompilation=true >"$results/build.log" 2>&1
build_status=$?
if [ $build_status -eq 0 ]; then
  # The shipped CLI (distkit, and distkit-node beside it), compiled to native code, for every
  # process test: they start it thousands of times, and each native start costs about a third of
  # the CPU of a ReadyToRun one.
  say "publishing the native CLI for the process tests"
  dotnet publish src/DistKit.Cli/DistKit.Cli.csproj -c Release -p:UseSharedCompilation=true -o "$results/cli" -nologo -v:minimal >"$results/publish.log" 2>&1
  build_status=$?
  cat "$results/publish.log" >>"$results/build.log"
  export DISTKIT_TEST_CLI="$results/cli/distkit"
fi
if [ $build_status -eq 0 ]; then
  # The packages users install, for the packaging tests and the sample app. A version of this
  # run's own, so NuGet's cache never hands the sample an older build under the same version.
  say "packing the libraries and the tool"
  export DISTKIT_TEST_PACKAGE_VERSION="0.1.0-test.$(date +%Y%m%d%H%M%S)"
  export DISTKIT_TEST_PACKAGES="$results/packages"
  dotnet pack DistKit.slnx -c Release --no-build -o "$DISTKIT_TEST_PACKAGES" -p:PackageVersion="$DISTKIT_TEST_PACKAGE_VERSION" \
    -nologo -v:minimal >"$results/pack.log" 2>&1
  build_status=$?
  cat "$results/pack.log" >>"$results/build.log"
fi
dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1 || true
warnings=$(grep -cE ': warning [A-Z]+[0-9]+' "$results/build.log" || true)
if [ $build_status -ne 0 ] || [ "$warnings" -ne 0 ]; then
  grep -E ': (error|warning) ' "$results/build.log" | sort -u | head -40
  echo "test.sh: build failed (exit $build_status, $warnings warnings)"
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

# --- 3. run every test project ------------------------------------------------------------------
passed=0 failed=0 skipped=0 crashed=() timings=()
for project in tests/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  exe="$(dirname "$project")/bin/Release/net10.0/$name.dll"
  selection=()
  if [ -n "$filter" ] && [[ "$name" != *"$filter"* ]]; then
    selection=(-class "*${filter}*")
  fi
  say "running $name ${selection[*]}"
  project_started=$(date +%s)
  timeout 1800 dotnet "$exe" -noColor -noLogo "${selection[@]}" -result-xml "$results/$name.xml" >"$results/$name.log" 2>&1
  status=$?
  timings+=("$(printf '%-28s %4d s' "$name" $(( $(date +%s) - project_started )))")
  grep -E '^\s+\[(FAIL|SKIP)\]|Total:|^\s+(Assert|Expected|Actual|System\.|DistKit\.)' "$results/$name.log" | head -60
  summary=$(grep -o '<assembly [^>]*>' "$results/$name.xml" 2>/dev/null | head -1)
  if [ -z "$summary" ]; then
    crashed+=("$name (exit $status)")
    tail -30 "$results/$name.log"
    continue
  fi
  attr() { echo "$summary" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  p=$(attr passed) f=$(attr failed) s=$(attr skipped) e=$(attr errors) t=$(attr total)
  if [ -n "$filter" ] && [ "${t:-0}" -eq 0 ]; then
    continue
  fi
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0} + ${e:-0})) skipped=$((skipped + ${s:-0}))
  if [ $status -ne 0 ] && [ "${f:-0}" -eq 0 ] && [ "${e:-0}" -eq 0 ]; then
    crashed+=("$name (exit $status)")
  fi
done

cleanup_servers

say "time per test project"
printf '   %s\n' "${timings[@]}"
total_seconds=$(( $(date +%s) - started_at ))
say "total $(( total_seconds / 60 )) min $(( total_seconds % 60 )) s (install, build and tests)"
if [ -z "$filter" ] && [ "$total_seconds" -gt "$budget_seconds" ]; then
  echo "test.sh: warning: the run took ${total_seconds} s, over the ${budget_seconds} s budget (docs/testing.md)"
fi

if [ ${#crashed[@]} -gt 0 ]; then
  echo "test.sh: test projects that did not finish cleanly: ${crashed[*]}"
  failed=$((failed + ${#crashed[@]}))
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] && [ $skipped -eq 0 ]
