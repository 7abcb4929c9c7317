package dev.cachesync.spring.cache;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import org.springframework.cache.support.NullValue;

/**
 * Method results as JSON with Jackson type ids, so a value comes back as the class it was (records, beans,
 * collections of them, java.time). Only classes of trusted packages are ever instantiated from what Redis holds.
 * A cached {@code null} is an empty body.
 */
final class JsonValueCodec {

    private final ObjectMapper mapper;

    JsonValueCodec(Collection<String> trustedPackages) {
        BasicPolymorphicTypeValidator.Builder trusted = BasicPolymorphicTypeValidator.builder().allowIfSubType("java.")
                .allowIfSubTypeIsArray();
        for (String pkg : trustedPackages) {
            trusted.allowIfSubType(pkg.endsWith(".") ? pkg : pkg + ".");
        }
        this.mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .activateDefaultTyping(trusted.build(), ObjectMapper.DefaultTyping.EVERYTHING, JsonTypeInfo.As.PROPERTY)
                .build();
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
