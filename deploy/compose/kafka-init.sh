#!/usr/bin/env bash
# One-shot (docker-compose.secured.yml, service kafka-init): as the broker's super user, creates cachesync's topics,
# a SCRAM user per principal and exactly the ACLs docs/transport-security.md lists. Idempotent: run at every start.
set -euo pipefail
: "${KAFKA_ADMIN_PASSWORD:?}" "${KAFKA_RELAY_PASSWORD:?}" "${KAFKA_INVALIDATOR_PASSWORD:?}" "${KAFKA_CLI_PASSWORD:?}"
: "${CERTS_PASSWORD:?}"
BIN=/opt/kafka/bin
BOOTSTRAP=kafka:9094
APPLICATION_ID=cachesync-invalidator
PARTITIONS=3

# The admin's client settings, in a file only this container sees (--command-config takes no inline secret).
umask 077
cat > /tmp/admin.properties <<PROPERTIES
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
ssl.truststore.location=/certs/public/truststore.p12
ssl.truststore.password=${CERTS_PASSWORD}
ssl.truststore.type=PKCS12
PROPERTIES
admin() { "$BIN/$1" --bootstrap-server "$BOOTSTRAP" --command-config /tmp/admin.properties "${@:2}"; }

# The inputs keep the broker's append time: the invalidator reads the Kafka-append hop of its per-hop lag from it.
for topic in catalog.product-events.v1 cache.invalidation-commands.v1; do
  admin kafka-topics.sh --create --if-not-exists --topic "$topic" --partitions "$PARTITIONS" --replication-factor 1 \
    --config message.timestamp.type=LogAppendTime
done
for topic in cache.invalidations.v1 cachesync.dead-letters.v1; do
  admin kafka-topics.sh --create --if-not-exists --topic "$topic" --partitions "$PARTITIONS" --replication-factor 1
done

# SCRAM users; the password goes through a file too, not the command line.
scram() { # user password-variable
  printf 'SCRAM-SHA-512=[iterations=8192,password=%s]' "${!2}" > /tmp/scram.config
  admin kafka-configs.sh --alter --entity-type users --entity-name "$1" --add-config-file /tmp/scram.config
  rm -f /tmp/scram.config
}
scram catalog-relay KAFKA_RELAY_PASSWORD
scram invalidator KAFKA_INVALIDATOR_PASSWORD
scram invalidator-cli KAFKA_CLI_PASSWORD

allow() { admin kafka-acls.sh --add --allow-principal "User:$1" "${@:2}"; }
# The catalog's relay publishes product events (WRITE also covers its idempotent producer).
allow catalog-relay --operation Write --topic catalog.product-events.v1
# The catalog follows what the invalidator applied, for writes with Prefer: wait-for-invalidation (no group).
allow catalog-relay --operation Read --topic cache.invalidations.v1
# The invalidator reads events and commands, writes what it applied and its dead letters, uses its group and
# owns Streams' internal topics.
allow invalidator --operation Read --topic catalog.product-events.v1
allow invalidator --operation Read --topic cache.invalidation-commands.v1
allow invalidator --operation DescribeConfigs --topic catalog.product-events.v1
allow invalidator --operation DescribeConfigs --topic cache.invalidation-commands.v1
allow invalidator --operation Write --topic cache.invalidations.v1
allow invalidator --operation Write --topic cachesync.dead-letters.v1
allow invalidator --operation Read --group "$APPLICATION_ID"
allow invalidator --operation All --resource-pattern-type prefixed --topic "$APPLICATION_ID-"
# The CLI sends commands and reads what was applied (purge, recent).
allow invalidator-cli --operation Write --topic cache.invalidation-commands.v1
allow invalidator-cli --operation Read --topic cache.invalidations.v1
rm -f /tmp/admin.properties
echo "== topics, users and ACLs in place"
