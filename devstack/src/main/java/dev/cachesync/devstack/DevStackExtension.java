package dev.cachesync.devstack;

import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: a test asks for the parts it needs by parameter type, and gets the JVM's shared instance.
 * <pre>{@code
 * @ExtendWith(DevStackExtension.class)
 * class ProductEventRoundTripTest {
 *     @Test void roundTrip(KafkaBroker kafka, SchemaRegistry registry) { ... }
 * }
 * }</pre>
 * A part that cannot start fails the test with {@link DevStackException}; it is never skipped.
 */
public final class DevStackExtension implements ParameterResolver {
    private static final Map<Class<?>, Supplier<?>> PARTS = Map.of(
            KafkaBroker.class, DevStack::kafka,
            RedisServer.class, DevStack::redis,
            SchemaRegistry.class, DevStack::schemaRegistry);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return PARTS.containsKey(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return PARTS.get(parameter.getParameter().getType()).get();
        } catch (DevStackException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }
}
