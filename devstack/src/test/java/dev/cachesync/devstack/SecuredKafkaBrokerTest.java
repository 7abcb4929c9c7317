package dev.cachesync.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The secured broker: TLS with a generated CA, SCRAM users, and ACLs that really refuse. */
class SecuredKafkaBrokerTest {
    private static KafkaBroker kafka;

    @BeforeAll
    static void start() {
        kafka = KafkaBroker.startSecured();
        kafka.createTopic("secured-test", 1);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void aUserWritesOnlyWhereAnAclAllowsIt() throws Exception {
        String writer = "writer";
        String password = kafka.addUser(writer);
        String stranger = "stranger";
        String strangerPassword = kafka.addUser(stranger);
        try (Admin admin = kafka.admin()) {
            admin.createAcls(List.of(new AclBinding(
                    new ResourcePattern(ResourceType.TOPIC, "secured-test", PatternType.LITERAL),
                    new AccessControlEntry("User:" + writer, "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
                    .all().get(30, TimeUnit.SECONDS);
        }

        send(writer, password);
        assertThatThrownBy(() -> send(stranger, strangerPassword))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void aWrongPasswordIsRefused() {
        kafka.addUser("forgetful");
        assertThatThrownBy(() -> send("forgetful", "not-the-password"))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
    }

    private static void send(String user, String password) throws Exception {
        Map<String, Object> config = kafka.clientProperties(user, password);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("secured-test", "k", "v")).get(20, TimeUnit.SECONDS);
        }
    }
}
