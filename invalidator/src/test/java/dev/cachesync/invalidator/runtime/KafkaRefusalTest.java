package dev.cachesync.invalidator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Which stream-thread failures are Kafka refusing the invalidator, and what the operator is told. */
class KafkaRefusalTest {

    @Test
    void wrongCredentialsWrappedByStreamsAreAnAuthenticationRefusal() {
        var error = new StreamsException(new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"));
        KafkaRefusal refusal = KafkaRefusal.of(error).orElseThrow();
        assertThat(refusal.kind()).isEqualTo(KafkaRefusal.Kind.AUTHENTICATION);
        assertThat(refusal.reason()).contains("SaslAuthenticationException", "invalid credentials",
                "KAFKA_SASL_JAAS_CONFIG");
    }

    @Test
    void aFailedTlsHandshakeIsAnAuthenticationRefusal() {
        var error = new StreamsException(new SslAuthenticationException("SSL handshake failed"));
        assertThat(KafkaRefusal.of(error).orElseThrow().kind()).isEqualTo(KafkaRefusal.Kind.AUTHENTICATION);
    }

    @Test
    void missingAclsAreAnAuthorizationRefusalNamingWhatWasDenied() {
        var topics = new StreamsException(new TopicAuthorizationException(java.util.Set.of("catalog.product-events.v1")));
        KafkaRefusal refusal = KafkaRefusal.of(topics).orElseThrow();
        assertThat(refusal.kind()).isEqualTo(KafkaRefusal.Kind.AUTHORIZATION);
        assertThat(refusal.reason()).contains("catalog.product-events.v1", "docs/transport-security.md");
        assertThat(KafkaRefusal.of(new GroupAuthorizationException("Not authorized to access group: cachesync-invalidator"))
                .orElseThrow().reason()).contains("group: cachesync-invalidator");
    }

    @Test
    void otherFailuresAreNotRefusalsAndTheThreadIsReplacedAsBefore() {
        assertThat(KafkaRefusal.of(new StreamsException(new TimeoutException("broker down")))).isEmpty();
        assertThat(KafkaRefusal.of(new IllegalStateException("boom"))).isEmpty();
    }

    @Test
    void aPasswordInTheMessageIsNeverRepeatedAndTheReasonIsOneLine() {
        var error = new SaslAuthenticationException("bad config: username=\"relay\" password=\"s3cret value\";\n next"
                + " password=plain-s3cret");
        String reason = KafkaRefusal.of(error).orElseThrow().reason();
        assertThat(reason).doesNotContain("s3cret").contains("password=[hidden]", "username=\"relay\"")
                .doesNotContain("\n");
    }

    @Test
    void aCauseCycleEnds() {
        var outer = new RuntimeException("outer");
        var inner = new RuntimeException("inner", outer);
        outer.initCause(inner);
        assertThat(KafkaRefusal.of(outer)).isEmpty();
    }
}
