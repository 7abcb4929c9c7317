package dev.cachesync.cache.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyLayoutTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "http://catalog/p/1, http://catalog/p/1",
            "HTTP://CATALOG/p/1, http://catalog/p/1",
            "http://catalog:80/p/1, http://catalog/p/1",
            "https://catalog:443/p/1, https://catalog/p/1",
            "http://catalog:8080/p/1, http://catalog:8080/p/1",
            "https://catalog:80/p/1, https://catalog:80/p/1",
            "http://catalog/p/1#reviews, http://catalog/p/1",
            "http://catalog, http://catalog/",
            "http://catalog/a/./b/../p/1, http://catalog/a/p/1",
            "http://catalog/p/%7e1, http://catalog/p/~1",
            "http://catalog/p/%41%2d, http://catalog/p/A-",
            "http://catalog/p%2f1, http://catalog/p%2F1",
            "http://catalog/search?q=%e2%82%ac&page=2, http://catalog/search?q=%E2%82%AC&page=2",
            "http://catalog/P/1, http://catalog/P/1",
            "/p/1, /p/1"
    })
    void oneKeyPerUrlSpelling(String url, String key) {
        assertThat(KeyLayout.entryKey(URI.create(url))).isEqualTo(key);
        assertThat(KeyLayout.entryKey(url)).isEqualTo(key);
    }

    @ParameterizedTest
    @CsvSource({"not a uri, not a uri", "key with %zz, key with %zz"})
    void textThatIsNoUriIsKeptAsItIs(String text, String key) {
        assertThat(KeyLayout.entryKey(text)).isEqualTo(key);
    }
}
