package dev.cachesync.invalidator.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.cachesync.cache.tags.CacheTag;
import dev.cachesync.config.ConfigReader;
import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.InvalidationCommand;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.security.KafkaClientSecurity;
import dev.cachesync.schemas.security.RegistryAuth;
import dev.cachesync.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * For people: purge by tag or key (published as an {@link InvalidationCommand}, so every manual purge is audited
 * and applied by the invalidator like any event) and show the purges applied most recently.
 * <pre>
 *   invalidator-cli purge --tag category:shoes [--tag ...] [--key URL ...] --reason "why" [--by who]
 *   invalidator-cli recent [--limit 20]
 * </pre>
 * Reads KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL and the Kafka and registry credentials of docs/transport-security.md
 * ({@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*}, {@code KAFKA_SSL_*}, {@code SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO}
 * or {@code SCHEMA_REGISTRY_BEARER_AUTH_TOKEN}).
 */
public final class InvalidatorCli {
    private final String bootstrapServers;
    private final String registryUrl;
    private final KafkaClientSecurity security;
    private final RegistryAuth registryAuth;
    private final PrintStream out;

    public InvalidatorCli(String bootstrapServers, String registryUrl, PrintStream out) {
        this(bootstrapServers, registryUrl, KafkaClientSecurity.none(), RegistryAuth.none(), out);
    }

    public InvalidatorCli(String bootstrapServers, String registryUrl, KafkaClientSecurity security,
                          RegistryAuth registryAuth, PrintStream out) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.security = security;
        this.registryAuth = registryAuth;
        this.out = out;
    }

    /** Configured from environment variables, as {@link #main} is: the same names and defaults as the invalidator's. */
    public static InvalidatorCli fromEnv(Map<String, String> env, PrintStream out) {
        ConfigReader config = InvalidatorConfig.DECLARED.read(env);
        return new InvalidatorCli(config.string("KAFKA_BOOTSTRAP_SERVERS"), config.string("SCHEMA_REGISTRY_URL"),
                KafkaClientSecurity.fromEnv(env), RegistryAuth.fromEnv(env), out);
    }

    public static void main(String[] args) {
        try {
            System.exit(fromEnv(System.getenv(), System.out).run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
        }
    }

    public int run(String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no command");
        }
        Arguments arguments = Arguments.parse(args);
        return switch (args[0]) {
            case "purge" -> purge(arguments);
            case "recent" -> recent(arguments);
            default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
        };
    }

    static String usage() {
        return "usage: invalidator-cli purge --tag TAG [--tag TAG ...] [--key URL ...] --reason TEXT [--by NAME]\n"
                + "       invalidator-cli recent [--limit N]";
    }

    /** Publishes the command and returns once Kafka acknowledged it. */
    int purge(Arguments arguments) {
        List<String> tags = arguments.all("--tag");
        List<String> keys = arguments.all("--key");
        if (tags.isEmpty() && keys.isEmpty()) {
            throw new IllegalArgumentException("--tag or --key: name at least one tag or key to purge");
        }
        tags.forEach(CacheTag::of);
        String reason = arguments.one("--reason").orElseThrow(
                () -> new IllegalArgumentException("--reason: say why (it is kept with the audit record)"));
        InvalidationCommand command = InvalidationCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setRequestedAt(Instant.now())
                .setTags(tags).setKeys(keys)
                .setReason(reason)
                .setRequestedBy(arguments.one("--by").orElse(System.getProperty("user.name", "unknown")))
                .build();
        try (KafkaProducer<String, InvalidationCommand> producer = new KafkaProducer<>(security.addTo(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 35_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000)),
                new StringSerializer(),
                AvroSerdes.serde(InvalidationCommand.class, registryUrl, registryAuth).serializer())) {
            producer.send(new ProducerRecord<>(Topics.INVALIDATION_COMMANDS, command.getCommandId(), command))
                    .get(40, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish the purge command: " + e.getMessage(), e);
        }
        out.println("purge requested: command " + command.getCommandId() + " tags=" + tags + " keys=" + keys);
        return 0;
    }

    /** Prints the last N applied purges across all partitions, oldest first. */
    int recent(Arguments arguments) {
        int limit = arguments.one("--limit").map(Integer::parseInt).orElse(20);
        List<InvalidationApplied> recent = new ArrayList<>();
        try (KafkaConsumer<String, InvalidationApplied> consumer = new KafkaConsumer<>(security.addTo(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                new StringDeserializer(),
                AvroSerdes.serde(InvalidationApplied.class, registryUrl, registryAuth).deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.INVALIDATIONS_APPLIED).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            ends.forEach((partition, end) -> consumer.seek(partition, Math.max(0, end - limit)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!caughtUp(consumer, ends) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, InvalidationApplied> record : consumer.poll(Duration.ofMillis(200))) {
                    recent.add(record.value());
                }
            }
        }
        recent.sort(Comparator.comparing(InvalidationApplied::getAppliedAt));
        List<InvalidationApplied> last = recent.subList(Math.max(0, recent.size() - limit), recent.size());
        for (InvalidationApplied applied : last) {
            out.printf("%s seq=%d keys=%d lag=%dms tags=%s keys=%s sources=%s%n", applied.getAppliedAt(),
                    applied.getSequence(), applied.getKeysPurged(), applied.getLagMillis(), applied.getTags(),
                    applied.getKeys(), applied.getSourceEventIds());
        }
        if (last.isEmpty()) {
            out.println("no applied purges yet");
        }
        return 0;
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** {@code --name value} pairs; a name may repeat. */
    record Arguments(List<String[]> pairs) {
        static Arguments parse(String[] args) {
            List<String[]> pairs = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                if (!args[i].startsWith("--")) {
                    throw new IllegalArgumentException("unexpected '" + args[i] + "'");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                pairs.add(new String[] {args[i], args[++i]});
            }
            return new Arguments(pairs);
        }

        List<String> all(String name) {
            return pairs.stream().filter(p -> p[0].equals(name)).map(p -> p[1]).toList();
        }

        java.util.Optional<String> one(String name) {
            return pairs.stream().filter(p -> p[0].equals(name)).map(p -> p[1]).reduce((first, last) -> last);
        }
    }
}
