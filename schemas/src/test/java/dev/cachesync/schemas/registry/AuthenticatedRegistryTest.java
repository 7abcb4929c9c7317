package dev.cachesync.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.cachesync.devstack.AuthenticatingProxy;
import dev.cachesync.devstack.DevStackExtension;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.security.RegistryAuth;
import dev.cachesync.schemas.serde.AvroSerdes;
import dev.cachesync.schemas.testing.SampleEvents;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client and the serde against the devstack registry behind a proxy that demands credentials. */
@ExtendWith(DevStackExtension.class)
class AuthenticatedRegistryTest {
    private static final String PASSWORD = "registry-" + UUID.randomUUID();

    @Test
    void theRightBasicCredentialsWorkAndWrongOnesGiveAClearErrorWithoutThem(SchemaRegistry registry) {
        try (AuthenticatingProxy proxy = AuthenticatingProxy.basic(registry, "catalog", PASSWORD)) {
            String subject = "auth-test-" + UUID.randomUUID() + "-value";
            SchemaRegistryClient client = SchemaRegistryClient.builder(proxy.url())
                    .auth(RegistryAuth.fromEnv(Map.of("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "catalog:" + PASSWORD)))
                    .build();
            int id = client.register(subject, ProductEvent.getClassSchema());
            assertThat(SchemaRegistryClient.builder(proxy.url()).auth(RegistryAuth.basic("catalog:" + PASSWORD)).build()
                    .getSchemaById(id)).isEqualTo(PortableSchemas.of(ProductEvent.getClassSchema()));

            String wrong = "not-" + PASSWORD;
            SchemaRegistryClient impostor = SchemaRegistryClient.builder(proxy.url())
                    .auth(RegistryAuth.basic("catalog:" + wrong)).build();
            assertThatThrownBy(() -> impostor.getSchemaById(id))
                    .isInstanceOf(RegistryAccessDeniedException.class)
                    .hasMessageContaining("HTTP 401").hasMessageContaining("basic auth")
                    .hasMessageContaining("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")
                    .hasMessageNotContaining(wrong)
                    .hasMessageNotContaining(Base64.getEncoder().encodeToString(("catalog:" + wrong).getBytes()));
            assertThatThrownBy(() -> SchemaRegistryClient.create(proxy.url()).getSchemaById(id))
                    .isInstanceOf(RegistryAccessDeniedException.class).hasMessageContaining("no credentials");
            assertThat(proxy.refused()).isEqualTo(2);
        }
    }

    @Test
    void aBearerTokenWorks(SchemaRegistry registry) {
        String token = "token-" + UUID.randomUUID();
        try (AuthenticatingProxy proxy = AuthenticatingProxy.bearer(registry, token)) {
            SchemaRegistryClient client = SchemaRegistryClient.builder(proxy.url())
                    .auth(RegistryAuth.fromEnv(Map.of("SCHEMA_REGISTRY_BEARER_AUTH_TOKEN", token))).build();
            assertThat(client.getCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
            assertThatThrownBy(() -> SchemaRegistryClient.builder(proxy.url()).auth(RegistryAuth.bearer("stale")).build()
                    .getCompatibility())
                    .isInstanceOf(RegistryAccessDeniedException.class).hasMessageNotContaining("stale");
        }
    }

    @Test
    void theSerdeSendsTheCredentialsConfiguredTheConfluentWay(SchemaRegistry registry) {
        try (AuthenticatingProxy proxy = AuthenticatingProxy.basic(registry, "invalidator", PASSWORD)) {
            Map<String, Object> config = new HashMap<>(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, proxy.url(),
                    AvroSerdes.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                    AvroSerdes.BASIC_AUTH_USER_INFO, "invalidator:" + PASSWORD));
            Serde<ProductEvent> serde = AvroSerdes.serde(ProductEvent.class, config, false);
            ProductEvent event = SampleEvents.productUpdated("p-1", 1);
            byte[] bytes = serde.serializer().serialize("auth-serde-" + UUID.randomUUID(), event);
            assertThat(serde.deserializer().deserialize("any", bytes)).isEqualTo(event);

            Serde<ProductEvent> anonymous = AvroSerdes.serde(ProductEvent.class, proxy.url());
            assertThatThrownBy(() -> anonymous.serializer().serialize("auth-serde-" + UUID.randomUUID(), event))
                    .satisfies(e -> assertThat(e).isInstanceOfAny(SerializationException.class,
                            RegistryAccessDeniedException.class))
                    .hasStackTraceContaining("HTTP 401");
        }
    }
}
