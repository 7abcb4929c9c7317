#!/usr/bin/env bash
# The broker of docker-compose.secured.yml: writes server.properties from the KAFKA_CFG_* variables (KAFKA_CFG_ +
# the property in upper case, '.' as '_', '_' as '__', '-' as '___'), formats the log directory once and starts.
# Its own entry point rather than the image's, which wants SSL material in another layout.
set -euo pipefail
: "${CLUSTER_ID:?}" "${KAFKA_ADMIN_PASSWORD:?}" "${CERTS_PASSWORD:?}"
umask 077
config=/tmp/server.properties
: > "$config"
while IFS='=' read -r name value; do
  [[ $name == KAFKA_CFG_* ]] || continue
  key=${name#KAFKA_CFG_}
  key=${key,,}
  key=${key//___/-}
  key=${key//__/%}
  key=${key//_/.}
  key=${key//%/_}
  printf '%s=%s\n' "$key" "$value" >> "$config"
done < <(env)

# For the health check: the super user's client settings, readable only inside this container.
cat > /tmp/admin.properties <<PROPERTIES
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
ssl.truststore.location=/certs/public/truststore.p12
ssl.truststore.password=${CERTS_PASSWORD}
ssl.truststore.type=PKCS12
PROPERTIES

/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "$CLUSTER_ID" --config "$config"
exec /opt/kafka/bin/kafka-server-start.sh "$config"
