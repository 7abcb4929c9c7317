package dev.cachesync.invalidator.runtime;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Kafka refusing the invalidator: its credentials (SASL, TLS) or its rights (ACLs). Neither heals by retrying, and a
 * corrected Secret is only read at start, so the app stops its stream threads, turns readiness (and liveness) red
 * with this reason and lets the platform restart it. Pure: finds the refusal among an error's causes.
 *
 * @param kind   what Kafka refused
 * @param reason for an operator: the refusal as Kafka states it and what to check; never a credential
 */
record KafkaRefusal(Kind kind, String reason) {
    /** What Kafka refused; the metric's {@code kind} label. */
    enum Kind {
        /** The credentials: SASL user or password, mechanism, or the TLS handshake (truststore, certificate). */
        AUTHENTICATION,
        /** The principal's rights: an ACL missing on a topic, the consumer group or the cluster. */
        AUTHORIZATION;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A credential written as {@code password="..."} or {@code password=...}: never repeated, whoever wrote it. */
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password\\s*[=:]\\s*)(\"[^\"]*\"|\\S+)");

    /** The refusal among {@code error} and its causes, if Kafka refused; empty for every other failure. */
    static Optional<KafkaRefusal> of(Throwable error) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable cause = error; cause != null && seen.put(cause, true) == null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException) {
                return Optional.of(new KafkaRefusal(Kind.AUTHENTICATION, "Kafka refused the credentials ("
                        + describe(cause) + "): check KAFKA_SASL_JAAS_CONFIG, KAFKA_SASL_MECHANISM, the SCRAM user"
                        + " on the broker and KAFKA_SSL_TRUSTSTORE_*"));
            }
            if (cause instanceof AuthorizationException) {
                return Optional.of(new KafkaRefusal(Kind.AUTHORIZATION, "Kafka denied the principal ("
                        + describe(cause) + "): grant the ACLs docs/transport-security.md lists for the invalidator"));
            }
        }
        return Optional.empty();
    }

    private static String describe(Throwable refusal) {
        String message = refusal.getMessage() == null ? "" : ": " + refusal.getMessage();
        String text = refusal.getClass().getSimpleName() + message;
        // One line, no secret: the reason goes into logs and a JSON probe answer.
        return PASSWORD.matcher(text.replaceAll("\\s+", " ").trim()).replaceAll("$1[hidden]");
    }
}
