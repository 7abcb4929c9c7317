#!/usr/bin/env bash
# cachesync demo: the whole pipeline on this machine, in one command. Needs only a JDK 17 or newer
# (Maven comes with the wrapper; Kafka, Redis and the schema registry come from devstack).
#
#   ./demo.sh                                 the guide's tests and the measured comparison, then stops
#   ./demo.sh --orders 3000 --instances 10    a bigger simulated day
#   ./demo.sh --keep-running                  afterwards keep the stack up (URLs printed) until Ctrl-C
#   ./demo.sh --help                          all options
set -euo pipefail
cd "$(dirname "$0")"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! command -v "$JAVA" >/dev/null 2>&1; then
  echo "demo.sh: no java found; install a JDK 17 or newer (or set JAVA_HOME)" >&2
  exit 1
fi
java_major=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
if [ -n "$java_major" ] && [ "$java_major" -lt 17 ]; then
  echo "demo.sh: Java $java_major found, cachesync needs 17 or newer" >&2
  exit 1
fi

echo "Building the demo and what it needs (./mvnw -pl demo -am install; the first time Maven downloads dependencies) ..."
./mvnw -B -q -pl demo -am install -DskipTests
./mvnw -B -q -pl demo dependency:build-classpath -Dmdep.outputFile=target/demo.classpath

# The schema registry's bundle is a tar.gz that Maven resolved with the rest; devstack runs it from there.
classpath="demo/target/classes"
registry_bundle=""
IFS=':' read -r -a entries < demo/target/demo.classpath || true  # the file has no final newline
for entry in "${entries[@]}"; do
  case "$entry" in
    *.tar.gz) registry_bundle="$entry" ;;
    *) classpath="$classpath:$entry" ;;
  esac
done

exec "$JAVA" ${DEMO_JAVA_OPTS:-} ${registry_bundle:+-Dcachesync.apicurio.bundle="$registry_bundle"} \
  -cp "$classpath" dev.cachesync.demo.Demo "$@"
