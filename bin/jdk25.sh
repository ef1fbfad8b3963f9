# Sourced by the project's scripts: finds a JDK 25 (JAVA_HOME first, then the system's JVM
# folder) and exports JAVA_HOME and JAVA. A user never exports anything by hand.
jgrad_java_version() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p'; }
jgrad_find_jdk25() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [[ -n $c && -x $c/bin/java && -x $c/bin/javac ]] || continue
    v=$(jgrad_java_version "$c")
    if [[ ${v:-0} -ge 25 ]]; then echo "$c"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME=$(jgrad_find_jdk25); then
  echo "jgrad: no JDK 25 found (looked at JAVA_HOME='${JAVA_HOME:-}' and /usr/lib/jvm/*)." >&2
  echo "jgrad: install a JDK 25 (e.g. Temurin 25) or point JAVA_HOME at one." >&2
  exit 1
fi
export JAVA_HOME
export JAVA="$JAVA_HOME/bin/java"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's bundled Guava touches sun.misc.Unsafe; JDK 25 warns about it on every build.
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
