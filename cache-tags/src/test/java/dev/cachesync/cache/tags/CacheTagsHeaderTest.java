package dev.cachesync.cache.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheTagsHeaderTest {

    @Test
    void parsesCommaSeparatedTrimmedTagsAcrossHeaderLines() {
        assertThat(CacheTagsHeader.parse(List.of(" product:1 ,category:shoes", "brand:acme,, product:1")))
                .containsExactly("product:1", "category:shoes", "brand:acme");
    }

    @Test
    void dropsInvalidTagsWithoutFailingTheRead() {
        List<String> dropped = new ArrayList<>();
        assertThat(CacheTagsHeader.parse(List.of("product:1, Product:2, -x, a b, ok.tag_1-2"), dropped::add))
                .containsExactly("product:1", "ok.tag_1-2");
        assertThat(dropped).containsExactly("Product:2", "-x", "a b");
    }

    @Test
    void tagGrammarAndLength() {
        assertThat(CacheTag.isValid("a")).isTrue();
        assertThat(CacheTag.isValid("0:_.-")).isTrue();
        assertThat(CacheTag.isValid("a".repeat(128))).isTrue();
        assertThat(CacheTag.isValid("a".repeat(129))).isFalse();
        assertThat(CacheTag.isValid("")).isFalse();
        assertThat(CacheTag.isValid(":a")).isFalse();
        assertThat(CacheTag.isValid("user*")).isFalse();
    }

    @Test
    void purgeRejectsAnInvalidTagByName() {
        assertThatThrownBy(() -> CacheTagsHeader.requireValid(List.of("product:1", "Bad Tag")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Bad Tag'");
    }
}
