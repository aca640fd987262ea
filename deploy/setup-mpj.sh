#!/usr/bin/env bash
# Prepares MPJ Express for the MPI client (deploy/mpjrun) and the build, and does nothing that is already done:
#  1. installs Debian's libmpj-java (0.44) when it is missing (needs root);
#  2. builds a working MPJ_HOME: Debian's /usr/share/mpj fails at start ("NoClassDefFoundError:
#     org/apache/log4j/Layout") because the jars' manifest Class-Path names log4j-1.2.jar next to the *real*
#     files, and symlinks do not help; so lib/ gets real COPIES named without -0.44, plus log4j and commons-*;
#  3. installs mpj.jar into the local Maven repository as mpjexpress:mpj:0.44 with a POM that declares
#     log4j:log4j:1.2.17 (without it, tests that call mpi.* fail the same way), for pom.xml's `provided` dependency.
#
# Usage: deploy/setup-mpj.sh [MPJ_HOME]   (default: $FTPGW_MPJ_HOME, else ${XDG_CACHE_HOME:-$HOME/.cache}/ftpgw/mpj)
# Prints the MPJ_HOME it prepared as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

mpj_home="${1:-${FTPGW_MPJ_HOME:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/ftpgw/mpj}}"
version=0.44
debian_lib=/usr/share/mpj/lib

if ! dpkg -s libmpj-java >/dev/null 2>&1 || [ ! -f "$debian_lib/starter-$version.jar" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-mpj: MPJ Express is missing; as root run: apt-get install -y libmpj-java" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libmpj-java >/dev/null
fi

# MPJ_HOME: rebuilt only when its marker is missing (a half-built one from an interrupted run has none).
marker="$mpj_home/.ftpgw-mpj-$version"
if [ ! -f "$marker" ]; then
  rm -rf "$mpj_home"
  mkdir -p "$mpj_home/lib" "$mpj_home/conf"
  for jar in "$debian_lib"/*-"$version".jar; do
    name="$(basename "$jar" "-$version.jar")"
    cp "$(readlink -f "$jar")" "$mpj_home/lib/$name.jar"
  done
  cp "$(readlink -f /usr/share/java/log4j-1.2.jar)" "$mpj_home/lib/log4j-1.2.jar"
  # only the daemons need these (runtimecommon.jar's manifest names them); multicore and niodev do not
  for lib in commons-cli commons-io commons-codec; do
    if [ -f "/usr/share/java/$lib.jar" ]; then
      cp "$(readlink -f "/usr/share/java/$lib.jar")" "$mpj_home/lib/$lib.jar"
    fi
  done
  cp -r /usr/share/mpj/conf/. "$mpj_home/conf/"
  echo "libmpj-java $version from $debian_lib, prepared by deploy/setup-mpj.sh" > "$marker"
fi

# Local Maven repository: mpjexpress:mpj:0.44 with its log4j dependency declared.
repo="${MAVEN_REPO_LOCAL:-${HOME:-/root}/.m2/repository}"
installed="$repo/mpjexpress/mpj/$version"
if [ ! -f "$installed/mpj-$version.jar" ] || ! grep -q log4j "$installed/mpj-$version.pom" 2>/dev/null; then
  pom="$(mktemp --suffix=.pom)"
  trap 'rm -f "$pom"' EXIT
  cat > "$pom" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>mpjexpress</groupId>
  <artifactId>mpj</artifactId>
  <version>$version</version>
  <description>MPJ Express $version (Debian libmpj-java), installed by ftpgw's deploy/setup-mpj.sh</description>
  <dependencies>
    <dependency><groupId>log4j</groupId><artifactId>log4j</artifactId><version>1.2.17</version></dependency>
  </dependencies>
</project>
POM
  repo_arg=()
  if [ -n "${MAVEN_REPO_LOCAL:-}" ]; then
    repo_arg=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
  fi
  mvn -B -ntp -q -Dstyle.color=never "${repo_arg[@]}" org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file \
    -Dfile="$mpj_home/lib/mpj.jar" -DpomFile="$pom" >&2
fi

echo "$mpj_home"
