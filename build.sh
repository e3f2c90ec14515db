#!/usr/bin/env bash
# Builds the self-contained jar and writes the ./portforward launcher next to this script.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: ./build.sh [options]

Builds target/portforward.jar (one self-contained jar) with Maven and writes the
executable ./portforward, which needs only a Java 17 or later ($JAVA_HOME/bin/java, else
java on the PATH), and target/portforward.1, the man page.

Options:
  --test            also run the tests: the unit and end-to-end suite while building, then
                    the multi-host scenarios of src/scenarios (as root; skipped otherwise), and
                    with --dist, the unpacked tarball with no java on the PATH (src/dist/check)
  --prefix DIR      after building, install to DIR: DIR/lib/portforward/portforward.jar,
                    the launcher DIR/bin/portforward, and the systemd unit
                    DIR/lib/systemd/system/portforward@.service (runs /etc/portforward/NAME.conf)
  --dist            also make target/portforward-VERSION-linux-ARCH.tar.gz: a Java runtime
                    trimmed by jlink to the modules the relay uses, the jar, libportforward.so,
                    Netty's epoll library (loaded in place, not copied to /tmp at each start),
                    the class list its first start makes a class-data archive from,
                    bin/portforward, the man page, README.md and LICENSE; it runs where no
                    Java is installed
  --offline         build with Maven's offline mode (dependencies already cached)
  -h, --help        show this help
USAGE
}

here=$(cd "$(dirname "$0")" && pwd)
prefix=""
run_tests=no
dist=no
mvn_flags=(-B -q)
while [ $# -gt 0 ]; do
    case "$1" in
        --test) run_tests=yes ;;
        --dist) dist=yes ;;
        --prefix) [ $# -ge 2 ] || { echo "build.sh: --prefix needs a directory" >&2; exit 2; }
                  prefix=$2; shift ;;
        --prefix=*) prefix=${1#--prefix=} ;;
        --offline) mvn_flags+=(-o) ;;
        -h|--help) usage; exit 0 ;;
        *) echo "build.sh: unknown option '$1'" >&2; echo "Run './build.sh --help' for usage." >&2; exit 2 ;;
    esac
    shift
done

# The java the launcher will pick in this tree, which must also make the class-data archive.
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java_bin=$JAVA_HOME/bin/java
else
    java_bin=$(command -v java) || { echo "build.sh: java not found on PATH (install a JDK 17 or later)" >&2; exit 1; }
fi
command -v mvn >/dev/null || { echo "build.sh: mvn not found on PATH (install Apache Maven)" >&2; exit 1; }

# The JVM flags live here so that every way of starting the relay gets them (the training runs
# below too: a class-data archive only maps into a JVM with the same GC and class path).
#   No TieredStopAtLevel: the full JIT (C1, then C2 for the hot paths). A relay runs for weeks:
#     warm, C2 spends 18 % less CPU per link than C1 alone and answers sooner (src/docs/performance.md,
#     round three); C1 alone only wins the first few seconds, while C2 is still compiling.
#   SerialGC, -Xmx256m: one small heap; see the README's Performance section for the sizing.
#   leakDetection.level=disabled: Netty's sampled leak tracking records a stack trace for one
#     buffer in 128, 1.3 % of a warm relay's CPU in a connect-send-close profile; the tests run
#     it at PARANOID instead.
#   -UsePerfData: no hsperfdata file left in /tmp on the host the relay runs on (jps cannot list
#     the relay then; jcmd PID still works).
jvm_flags() {
    printf '%s' "-Xms16m -Xmx256m -XX:MaxDirectMemorySize=256m -Xss512k -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Dio.netty.tryReflectionSetAccessible=true -Dio.netty.leakDetection.level=disabled"
}

# make_classlist JAVA JAR OUT: the classes the relay loads up to its first link and its first UDP
# session. The launcher makes a class-data sharing archive of them (see write_launcher), so that
# start-up and the first connection map them instead of loading and verifying them. Training,
# all on 127.0.0.1: a listen-listen relay, a listen-conn relay dialling it with one byte carried
# through both, and a UDP relay given one datagram.
make_classlist() {
    local java=$1 jar=$2 out=$3 dir pids=() ports a b2 u
    dir=$(mktemp -d)
    train() { # NAME ARGS...: a relay that records the classes it loads; its log is $dir/NAME.log
        local name=$1; shift
        "$java" $(jvm_flags) -XX:TieredStopAtLevel=1 -XX:DumpLoadedClassList="$dir/$name.classlist" -jar "$jar" "$@" \
            >/dev/null 2>"$dir/$name.log" &
        pids+=($!)
    }
    ports_of() { # NAME: the ports of the relay's "listening on" line, once it is there
        local waited=0
        until grep -q "listening on" "$dir/$1.log" 2>/dev/null || [ $waited -ge 100 ]; do
            sleep 0.1; waited=$((waited + 1))
        done
        grep -m1 "listening on" "$dir/$1.log" | sed 's/forwarding to.*//' | grep -o '127\.0\.0\.1:[0-9]*' | cut -d: -f2
    }
    train pair tcp listen:127.0.0.1:0 listen:127.0.0.1:0
    ports=($(ports_of pair))
    b2=${ports[1]:-}
    train dial tcp listen:127.0.0.1:0 "conn:127.0.0.1:${ports[0]:-9}"
    a=$(ports_of dial)
    train udp udp listen:127.0.0.1:0 conn:127.0.0.1:9
    u=$(ports_of udp)
    if [ -n "$a" ] && [ -n "$b2" ]; then
        { exec 3<>"/dev/tcp/127.0.0.1/$a" && printf x >&3 && exec 4<>"/dev/tcp/127.0.0.1/$b2" \
            && read -r -t 3 -n 1 _ <&4; exec 3>&- 4>&-; } 2>/dev/null || true
    fi
    [ -n "$u" ] && { printf x > "/dev/udp/127.0.0.1/$u"; } 2>/dev/null || true
    sleep 0.5
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    sort -u "$dir"/*.classlist > "$out"
    rm -rf "$dir"
}

# make_archive LAUNCHER LIBDIR: the launcher makes the archive when it finds none for its java and its
# jar's location, so one start does it. Optional: without it the JVM starts the slow way.
make_archive() {
    local launcher=$1 lib
    lib=$(dirname "$(readlink -f "$launcher")")/$2
    rm -f "$lib/portforward.jsa" "$lib/portforward.jsa.id"
    "$launcher" --version >/dev/null
    [ -r "$lib/portforward.jsa.id" ] || echo "build.sh: no class-data archive (start-up will be slower)" >&2
}

# make_native OUT: libportforward.so, the one native call the relay wants (see src/main/c). Optional:
# without a C compiler the relay splices through the kernel's default 64 KiB pipes.
make_native() {
    local out=$1 java_home cc
    cc=$(command -v cc || command -v gcc || true)
    java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")
    if [ -z "$cc" ] || [ ! -r "$java_home/include/jni.h" ]; then
        echo "build.sh: no C compiler or JNI headers; building without libportforward.so (spliced links use 64 KiB pipes)" >&2
        rm -f "$out"
        return 0
    fi
    if ! "$cc" -O2 -shared -fPIC -Wall -Werror -I"$java_home/include" -I"$java_home/include/linux" \
            -o "$out" src/main/c/pipesize.c; then
        echo "build.sh: libportforward.so did not compile; building without it" >&2
        rm -f "$out"
    fi
}

# extract_epoll_library JAR DIR: Netty's epoll library for this machine, out of the jar into DIR,
# where the launcher's -Djava.library.path finds it. Without it Netty copies the library out of
# the jar into /tmp at every start (and deletes it): a 104 KiB file written per start, about
# 20 ms of CPU, and on a host whose /tmp is mounted noexec a relay that falls back to NIO.
extract_epoll_library() {
    local jar dir=$2 arch name home
    jar=$(readlink -f "$1")
    arch=$(uname -m)
    [ "$arch" = aarch64 ] && arch=aarch_64
    name=libnetty_transport_native_epoll_$arch.so
    home=$(dirname "$(dirname "$(readlink -f "$java_bin")")")
    rm -f "$dir"/libnetty_transport_native_epoll_*.so
    if [ -x "$home/bin/jar" ] && (cd "$dir" && "$home/bin/jar" xf "$jar" "META-INF/native/$name") \
            && [ -r "$dir/META-INF/native/$name" ]; then
        mv "$dir/META-INF/native/$name" "$dir/$name"
    else
        echo "build.sh: no $name in the jar or no jar tool; Netty will copy it to /tmp at each start" >&2
    fi
    rm -rf "$dir/META-INF"
}

# write_launcher OUT LIBDIR [RUNTIME]: LIBDIR (the jar, its archive, libportforward.so and Netty's
# epoll library) and
# RUNTIME (a bundled Java, optional) are relative to the launcher's own directory, so the whole
# tree can be moved; the launcher resolves symlinks to itself first.
write_launcher() {
    local out=$1 libdir=$2 runtime=${3:-}
    {
        echo '#!/bin/sh'
        echo '# portforward launcher, written by build.sh. Java: the bundled runtime if any, else'
        echo '# $JAVA_HOME/bin/java, else java on the PATH (17 or later).'
        echo "libdir='$libdir'"
        echo "runtime='$runtime'"
        echo "jvm_flags='$(jvm_flags)'"
        cat <<'LAUNCHER'
self=$(readlink -f "$0") || self=$0
here=${self%/*}
lib=$(cd "$here/$libdir" 2>/dev/null && pwd -P) || lib="$here/$libdir"
jar="$lib/portforward.jar"
[ -r "$jar" ] || { echo "portforward: $jar is missing; run build.sh again" >&2; exit 1; }
if [ -n "$runtime" ] && [ -x "$here/$runtime/bin/java" ]; then
    java="$here/$runtime/bin/java"
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java="$JAVA_HOME/bin/java"
else
    java=$(command -v java) || { echo "portforward: no java found: set JAVA_HOME or put java 17 or later on the PATH" >&2; exit 1; }
fi
# The class-data archive maps only into the runtime that made it, and (Java 17) only with the
# jar at the path it had then. Its .id file says which runtime and which path; when they differ
# (another java, or a tree that was moved or unpacked) it is made again from the class list,
# once, if this directory may be written; otherwise the relay starts without it and -v says why
# (-Dportforward.cds).
jsa="$lib/portforward.jsa"
real=$(readlink -f "$java")
release="${real%/bin/java}/release"
id="unknown $real $jar"
version=""
if [ -r "$release" ]; then
    sum=$(cksum < "$release")
    version=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$release")
    id="${sum%% *} $version $jar"
fi
# C2 compiles in memory that glibc keeps after the compile (20-30 MB in a relay's first minute);
# the JVM hands it back every 5 s where it can (17.0.9 and later, 21.0.1 and later, 22 on).
case "$version" in
    ''|17|17[!.0-9]*|17.0.[0-8]|17.0.[0-8][!0-9]*|18*|19*|20*|21|21[!.0-9]*|21.0.0*) trim="" ;;
    *) trim="-XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000" ;;
esac
made=$(cat "$jsa.id" 2>/dev/null)
note="class-data archive $jsa"
if [ "$id" != "$made" ] && [ -r "$lib/portforward.classlist" ] && [ -w "$lib" ]; then
    # A launcher stopped while it makes the archive leaves no half-made file behind.
    for sig in HUP INT TERM; do trap 'rm -f "$jsa.$$"; trap - '$sig'; kill -'$sig' $$' $sig; done
    if "$java" $jvm_flags -Xshare:dump -XX:SharedClassListFile="$lib/portforward.classlist" \
            -XX:SharedArchiveFile="$jsa.$$" -cp "$jar" >/dev/null 2>&1 && mv -f "$jsa.$$" "$jsa"; then
        printf '%s\n' "$id" > "$jsa.id"
        made=$id
        note="class-data archive $jsa, made now for this java and this location"
    else
        rm -f "$jsa.$$"
    fi
    trap - HUP INT TERM
fi
cds=""
if [ "$id" = "$made" ]; then
    cds="-XX:SharedArchiveFile=$jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
elif [ -r "$jsa.id" ]; then
    note="class-data archive skipped: $jsa was made for java ${made#* }, this is java ${id#* }, and it could not be made again (may $lib be written? run portforward --version once as its owner)"
else
    note="no class-data archive in $lib; start-up is slower (build.sh makes one)"
fi
# exec, so that signals reach the JVM directly.
exec "$java" $jvm_flags $trim -Djava.library.path="$lib" -Dportforward.native="$lib/libportforward.so" -Dportforward.cds="$note" \
  $cds ${PORTFORWARD_JAVA_OPTS:-} -jar "$jar" "$@"
LAUNCHER
    } > "$out"
    chmod +x "$out"
}

# make_dist: the tarball --dist describes. The runtime holds only the modules jdeps finds in the
# jar, and the crypto provider the secure hop needs; the launcher prefers it to any other Java, and the archive is made by it.
make_dist() {
    local version arch name stage home mods tarball
    version=$(./portforward --version | cut -d' ' -f2)
    arch=$(uname -m)
    name="portforward-$version"
    stage=target/dist/$name
    home=$(dirname "$(dirname "$(readlink -f "$java_bin")")")
    command -v jlink >/dev/null || [ -x "$home/bin/jlink" ] || { echo "build.sh: --dist needs jlink (a full JDK)" >&2; exit 1; }
    [ -d "$home/jmods" ] || { echo "build.sh: --dist needs $home/jmods (Debian: openjdk-17-jdk-headless)" >&2; exit 1; }
    rm -rf target/dist
    mkdir -p "$stage/bin" "$stage/lib"
    mods=$("$home/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 target/portforward.jar)
    # jdeps sees no service providers: the secure hop's X25519 comes from jdk.crypto.ec (SunEC).
    # jdk.httpserver serves --metrics; named too, so that the runtime never depends on jdeps seeing it.
    mods="$mods,jdk.crypto.ec,jdk.httpserver"
    "$home/bin/jlink" --add-modules "$mods" --strip-debug --no-man-pages --no-header-files --compress=2 \
        --output "$stage/runtime"
    cp target/portforward.jar "$stage/lib/"
    [ -r target/libportforward.so ] && cp target/libportforward.so "$stage/lib/"
    cp target/libnetty_transport_native_epoll_*.so "$stage/lib/" 2>/dev/null || true
    cp target/portforward.1 README.md LICENSE "$stage/"
    cp target/portforward.classlist "$stage/lib/"
    write_launcher "$stage/bin/portforward" ../lib ../runtime
    # The archive is made where the tree is unpacked, by its first start: Java 17 ties an archive
    # to the jar's absolute path, which is not known here.
    tarball="target/$name-linux-$arch.tar.gz"
    tar -czf "$tarball" -C target/dist "$name"
    echo "built $tarball ($(du -h "$tarball" | cut -f1), runtime modules: $mods)"
}

# Maven 3.8 writes colour-reset codes even in batch mode and with -Dstyle.color=never.
mvn_plain() {
    mvn "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
}

cd "$here"
mkdir -p target
make_native "$here/target/libportforward.so" # before Maven: the tests load it too
if [ "$run_tests" = yes ]; then
    # Not quiet: the surefire summary ("Tests run: N, Failures: 0, ...") is the test report.
    mvn_plain -B --no-transfer-progress "${mvn_flags[@]:2}" package
else
    mvn_plain "${mvn_flags[@]}" -DskipTests package
fi

"$java_bin" -cp target/portforward.jar portforward.cli.ManPage > target/portforward.1
make_classlist "$java_bin" target/portforward.jar target/portforward.classlist
extract_epoll_library target/portforward.jar target
write_launcher "$here/portforward" target
make_archive "$here/portforward" target
echo "built $here/portforward ($(./portforward --version))"

if [ "$dist" = yes ]; then
    make_dist
fi

if [ "$run_tests" = yes ]; then
    src/scenarios/run
    if [ "$dist" = yes ]; then
        # The distribution as a user without Java meets it: unpacked in a temporary directory, run
        # with no java on the PATH, one TCP link and one UDP datagram over 127.0.0.1.
        src/dist/check
    fi
fi

if [ -n "$prefix" ]; then
    mkdir -p "$prefix/lib/portforward" "$prefix/bin"
    prefix=$(cd "$prefix" && pwd)
    cp target/portforward.jar "$prefix/lib/portforward/portforward.jar"
    rm -f "$prefix/lib/portforward/libportforward.so"
    [ -r target/libportforward.so ] && cp target/libportforward.so "$prefix/lib/portforward/libportforward.so"
    rm -f "$prefix"/lib/portforward/libnetty_transport_native_epoll_*.so
    cp target/libnetty_transport_native_epoll_*.so "$prefix/lib/portforward/" 2>/dev/null || true
    cp target/portforward.classlist "$prefix/lib/portforward/"
    mkdir -p "$prefix/share/man/man1"
    cp target/portforward.1 "$prefix/share/man/man1/portforward.1"
    write_launcher "$prefix/bin/portforward" ../lib/portforward
    make_archive "$prefix/bin/portforward" ../lib/portforward
    mkdir -p "$prefix/lib/systemd/system"
    sed "s|@BINDIR@|$prefix/bin|" src/dist/portforward@.service > "$prefix/lib/systemd/system/portforward@.service"
    echo "installed $prefix/bin/portforward and $prefix/lib/systemd/system/portforward@.service"
fi
