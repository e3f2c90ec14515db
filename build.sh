#!/usr/bin/env bash
# Builds the self-contained jar and writes the ./portforward launcher next to this script.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: ./build.sh [options]

Builds target/portforward.jar (one self-contained jar) with Maven and writes the
executable ./portforward, which needs only `java` (17 or later) on the PATH.

Options:
  --test            also run the tests: the unit and end-to-end suite while building, then
                    the multi-host scenarios of src/scenarios (as root; skipped otherwise)
  --prefix DIR      after building, install to DIR: DIR/lib/portforward/portforward.jar
                    and the launcher DIR/bin/portforward
  --offline         build with Maven's offline mode (dependencies already cached)
  -h, --help        show this help
USAGE
}

here=$(cd "$(dirname "$0")" && pwd)
prefix=""
run_tests=no
mvn_flags=(-B -q)
while [ $# -gt 0 ]; do
    case "$1" in
        --test) run_tests=yes ;;
        --prefix) [ $# -ge 2 ] || { echo "build.sh: --prefix needs a directory" >&2; exit 2; }
                  prefix=$2; shift ;;
        --prefix=*) prefix=${1#--prefix=} ;;
        --offline) mvn_flags+=(-o) ;;
        -h|--help) usage; exit 0 ;;
        *) echo "build.sh: unknown option '$1'" >&2; echo "Run './build.sh --help' for usage." >&2; exit 2 ;;
    esac
    shift
done

command -v java >/dev/null || { echo "build.sh: java not found on PATH (install a JDK 17 or later)" >&2; exit 1; }
command -v mvn >/dev/null || { echo "build.sh: mvn not found on PATH (install Apache Maven)" >&2; exit 1; }

cd "$here"
if [ "$run_tests" = yes ]; then
    # Not quiet: the surefire summary ("Tests run: N, Failures: 0, ...") is the test report.
    mvn -B --no-transfer-progress "${mvn_flags[@]:2}" package
else
    mvn "${mvn_flags[@]}" -DskipTests package
fi

# write_launcher JAR OUT: the JVM flags live here so every way of starting the relay gets them.
write_launcher() {
    local jar=$1 out=$2
    cat > "$out" <<LAUNCHER
#!/bin/sh
# portforward launcher, written by build.sh. Needs java 17+ on the PATH.
# exec, so that SIGINT/SIGTERM reach the JVM directly.
jar="$jar"
[ -r "\$jar" ] || { echo "portforward: \$jar is missing; run build.sh again" >&2; exit 1; }
exec java \\
  -Xms16m -Xmx256m -XX:MaxDirectMemorySize=256m -Xss512k \\
  -XX:+UseSerialGC -XX:TieredStopAtLevel=4 -XX:+ExitOnOutOfMemoryError \\
  -Dio.netty.tryReflectionSetAccessible=true \\
  \${PORTFORWARD_JAVA_OPTS:-} \\
  -jar "\$jar" "\$@"
LAUNCHER
    chmod +x "$out"
}

write_launcher "$here/target/portforward.jar" "$here/portforward"
echo "built $here/portforward ($(./portforward --version))"

if [ "$run_tests" = yes ]; then
    src/scenarios/run
fi

if [ -n "$prefix" ]; then
    mkdir -p "$prefix/lib/portforward" "$prefix/bin"
    prefix=$(cd "$prefix" && pwd)
    cp target/portforward.jar "$prefix/lib/portforward/portforward.jar"
    write_launcher "$prefix/lib/portforward/portforward.jar" "$prefix/bin/portforward"
    echo "installed $prefix/bin/portforward"
fi
