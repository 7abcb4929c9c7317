package dev.cachesync.spring.cache;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.cache.support.NullValue;

/**
 * Method results as JSON with Jackson type ids, so a value comes back as the class it was (records, beans,
 * collections of them, java.time). Only classes of trusted packages are ever instantiated from what Redis holds.
 * A cached {@code null} is an empty body.
 */
final class JsonValueCodec {

    private final ObjectMapper mapper;

    JsonValueCodec(Collection<String> trustedPackages) {
        List<String> prefixes = new ArrayList<>(List.of("java."));
        for (String pkg : trustedPackages) {
            prefixes.add(pkg.endsWith(".") ? pkg : pkg + ".");
        }
        BasicPolymorphicTypeValidator trusted = BasicPolymorphicTypeValidator.builder()
                .allowIfSubType(new BasicPolymorphicTypeValidator.TypeMatcher() {
                    @Override
                    public boolean match(MapperConfig<?> config, Class<?> type) {
                        return isTrusted(type, prefixes);
                    }
                }).build();
        this.mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .activateDefaultTyping(trusted, ObjectMapper.DefaultTyping.EVERYTHING, JsonTypeInfo.As.PROPERTY)
                .build();
    }

    /** A class of a trusted package, or an array of primitives or of such classes. */
    static boolean isTrusted(Class<?> type, List<String> prefixes) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        if (element.isPrimitive()) {
            return true;
        }
        String name = element.getName();
        return prefixes.stream().anyMatch(name::startsWith);
    }

    byte[] encode(Object storeValue) {
        if (storeValue == NullValue.INSTANCE) {
            return new byte[0];
        }
        try {
            return mapper.writeValueAsBytes(storeValue);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + storeValue.getClass().getName() + " as JSON", e);
        }
    }

    /** The store value ({@link NullValue} for a cached null). */
    Object decode(byte[] body) throws IOException {
        return body.length == 0 ? NullValue.INSTANCE : mapper.readValue(body, Object.class);
    }
}
