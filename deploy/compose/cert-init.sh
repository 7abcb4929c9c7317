#!/usr/bin/env bash
# One-shot (docker-compose.secured.yml, service cert-init): makes, at first start, a CA and the TLS material every
# secured service needs, into the shared volume mounted at /certs. Nothing here is committed; delete the volume
# (docker compose -f docker-compose.secured.yml down -v) to make new ones.
#   /certs/public/   ca.crt, truststore.p12 (the CA, for the Java clients)     readable by all
#   /certs/kafka/    kafka.p12 (the broker's key and certificate)              the Kafka image's user only
#   /certs/redis/    redis.crt, redis.key (PEM), users.acl                      the Redis image's user only
#   /certs/registry/ htpasswd (the registry proxy's one user)                   the nginx image's user only
# Secrets come from the environment (.env), never from arguments: they would show in the process list.
set -euo pipefail
: "${CERTS_PASSWORD:?}" "${REDIS_USERNAME:?}" "${REDIS_PASSWORD:?}" "${REDIS_ACL_RULES:?}" "${SCHEMA_REGISTRY_USER_INFO:?}"
# Image users: apache/kafka runs as 1000, redis:7-alpine as 999, nginx's workers as 101.
KAFKA_UID=1000 REDIS_UID=999 NGINX_UID=101
DAYS=825
cd /certs
mkdir -p public kafka redis registry

if [ ! -f public/ca.crt ]; then
  echo "== making a CA and the certificates of kafka and redis"
  store() { keytool -storetype PKCS12 -storepass:env CERTS_PASSWORD "$@"; }
  store -genkeypair -alias ca -dname "CN=cachesync compose CA" -ext bc:c -keyalg EC -groupname secp256r1 \
    -validity "$DAYS" -keystore /tmp/ca.p12
  store -exportcert -rfc -alias ca -keystore /tmp/ca.p12 -file public/ca.crt
  store -importcert -noprompt -alias ca -file public/ca.crt -keystore public/truststore.p12
  for host in kafka redis; do
    store -genkeypair -alias "$host" -dname "CN=$host" -keyalg EC -groupname secp256r1 -validity "$DAYS" \
      -keystore "/tmp/$host.p12"
    store -certreq -alias "$host" -keystore "/tmp/$host.p12" -file "/tmp/$host.csr"
    store -gencert -rfc -alias ca -keystore /tmp/ca.p12 -infile "/tmp/$host.csr" -outfile "/tmp/$host.crt" \
      -ext "san=dns:$host" -ext ku:c=digitalSignature -ext eku=serverAuth -validity "$DAYS"
    store -importcert -noprompt -alias ca -file public/ca.crt -keystore "/tmp/$host.p12"
    store -importcert -noprompt -alias "$host" -file "/tmp/$host.crt" -keystore "/tmp/$host.p12"
  done
  mv /tmp/kafka.p12 kafka/kafka.p12
  # Redis reads PEM: its certificate, and its key taken out of the keystore.
  cp /tmp/redis.crt redis/redis.crt
  openssl pkcs12 -in /tmp/redis.p12 -nocerts -nodes -passin env:CERTS_PASSWORD -out redis/redis.key
  rm -f /tmp/ca.p12 /tmp/*.csr /tmp/*.crt /tmp/redis.p12 # the CA's key is not kept: nothing else gets signed
fi

# Rewritten at every start, so that a changed password in .env takes effect. Redis stores only its SHA-256.
hash=$(printf %s "$REDIS_PASSWORD" | sha256sum | cut -d' ' -f1)
printf 'user default off\nuser %s on #%s %s\n' "$REDIS_USERNAME" "$hash" "$REDIS_ACL_RULES" > redis/users.acl
registry_user=${SCHEMA_REGISTRY_USER_INFO%%:*}
registry_password=${SCHEMA_REGISTRY_USER_INFO#*:}
printf '%s:%s\n' "$registry_user" "$(printf %s "$registry_password" | openssl passwd -apr1 -stdin)" > registry/htpasswd

chmod 755 public && chmod 644 public/*
chown -R "$KAFKA_UID" kafka && chmod 700 kafka && chmod 600 kafka/*
chown -R "$REDIS_UID" redis && chmod 700 redis && chmod 600 redis/*
chown -R "$NGINX_UID" registry && chmod 700 registry && chmod 600 registry/*
echo "== certificates and credentials files ready in /certs"
