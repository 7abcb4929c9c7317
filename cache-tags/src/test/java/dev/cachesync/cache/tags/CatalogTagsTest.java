package dev.cachesync.cache.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CatalogTagsTest {

    @Test
    void buildsTheSharedVocabulary() {
        assertThat(CatalogTags.product("p-1")).isEqualTo("product:p-1");
        assertThat(CatalogTags.category("shoes")).isEqualTo("category:shoes");
        assertThat(CatalogTags.brand("acme")).isEqualTo("brand:acme");
        assertThat(CacheTag.isValid(CatalogTags.PRODUCT_BATCHES)).isTrue();
    }

    @Test
    void refusesValuesOutsideTheTagGrammarNamingTheTag() {
        assertThatThrownBy(() -> CatalogTags.product("P 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("product:P 1");
        assertThatThrownBy(() -> CatalogTags.category("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("category:");
        assertThatThrownBy(() -> CatalogTags.brand(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("brand:");
    }

    @Test
    void theLongestValueTheGrammarAllowsStillFits() {
        String tag = CatalogTags.category("x".repeat(128 - "category:".length()));
        assertThat(tag).hasSize(128);
        assertThatThrownBy(() -> CatalogTags.category("x".repeat(129 - "category:".length())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
