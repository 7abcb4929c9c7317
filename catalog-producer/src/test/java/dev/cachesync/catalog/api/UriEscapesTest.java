package dev.cachesync.catalog.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.catalog.product.FieldError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UriEscapesTest {

    @ParameterizedTest
    @ValueSource(strings = {"/products/p-1", "/products/sho%65s", "/a%2Fb", "/%C3%A9t%C3%A9", "/%F0%9F%A5%BE", "/"})
    void wellFormedEscapesPass(String raw) {
        assertThat(UriEscapes.problem(raw)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/products/%u002e", "/%zz", "/abc%", "/abc%4", "/%g0", "/%ff", "/%C3", "/%ED%A0%80"})
    void malformedEscapesAreNamed(String raw) {
        assertThat(UriEscapes.problem(raw)).isNotNull();
    }

    @Test
    void theQueryProblemNamesTheParameter() {
        assertThat(UriEscapes.queryProblems("limit=1&after=%zz"))
                .containsExactly(new FieldError("after", UriEscapes.problem("%zz")));
        assertThat(UriEscapes.queryProblems("ids=a,%zz&ids=b")).extracting(FieldError::field).containsExactly("ids");
        assertThat(UriEscapes.queryProblems("%zz=1")).extracting(FieldError::field).containsExactly("query");
        assertThat(UriEscapes.queryProblems("a%20b=%zz")).extracting(FieldError::field).containsExactly("a b");
        assertThat(UriEscapes.queryProblems("limit=1&after=p-1&flag")).isEmpty();
        assertThat(UriEscapes.queryProblems(null)).isEmpty();
    }
}
