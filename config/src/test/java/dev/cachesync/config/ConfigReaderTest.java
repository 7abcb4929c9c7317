package dev.cachesync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {
    private static final String SECRET_VALUE = "hunter2-s3cret";

    private static final Variables VARIABLES = Variables.of(
            Variable.of("APP_NAME", "orders", "the application's name"),
            Variable.of("APP_REQUIRED", "", "something without a default"),
            Variable.of("APP_OPTIONAL", "", "something optional"),
            Variable.of("APP_LINGER_MS", "5", "how long to linger"),
            Variable.of("APP_THREADS", "2", "threads"),
            Variable.of("APP_ENABLED", "true", "on or off"),
            Variable.of("APP_START_AT", "latest", "latest or earliest"),
            Variable.of("APP_NODES", "", "comma-separated nodes"),
            Variable.of("APP_STORE_PATH", "", "a file"),
            Variable.secret("APP_PASSWORD", "a password"));

    private static ConfigReader read(Map<String, String> env) {
        return VARIABLES.read(env);
    }

    @Test
    void unsetOrBlankTakesTheDefaultAndValuesAreTrimmed() {
        assertThat(read(Map.of()).string("APP_NAME")).isEqualTo("orders");
        assertThat(read(Map.of("APP_NAME", "  ")).string("APP_NAME")).isEqualTo("orders");
        assertThat(read(Map.of("APP_NAME", " shop ")).string("APP_NAME")).isEqualTo("shop");
        assertThat(read(Map.of("APP_NAME", " shop ")).isSet("APP_NAME")).isTrue();
        assertThat(read(Map.of("APP_NAME", " ")).isSet("APP_NAME")).isFalse();
        Map<String, String> withNull = new java.util.HashMap<>();
        withNull.put("APP_NAME", null);
        assertThat(read(withNull).string("APP_NAME")).as("a null value is unset").isEqualTo("orders");
    }

    @Test
    void aRequiredVariableWithoutValueNamesItselfAndWhatItIs() {
        assertThatThrownBy(() -> read(Map.of()).string("APP_REQUIRED")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("APP_REQUIRED must be set (something without a default)");
        assertThat(read(Map.of()).optional("APP_OPTIONAL")).isEmpty();
        assertThat(read(Map.of("APP_OPTIONAL", "x")).optional("APP_OPTIONAL")).hasValue("x");
    }

    @Test
    void integersAreCheckedAgainstTheirRange() {
        assertThat(read(Map.of()).integer("APP_THREADS", 1, 64)).isEqualTo(2);
        assertThat(read(Map.of("APP_THREADS", "64")).integer("APP_THREADS", 1, 64)).isEqualTo(64);
        assertThatThrownBy(() -> read(Map.of("APP_THREADS", "abc")).integer("APP_THREADS", 0, 60000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("APP_THREADS must be an integer from 0 to 60000, was 'abc'");
        assertThatThrownBy(() -> read(Map.of("APP_THREADS", "65")).integer("APP_THREADS", 1, 64))
                .hasMessage("APP_THREADS must be an integer from 1 to 64, was '65'");
        assertThatThrownBy(() -> read(Map.of("APP_THREADS", "0")).integer("APP_THREADS", 1, Integer.MAX_VALUE))
                .hasMessage("APP_THREADS must be an integer of at least 1, was '0'");
        assertThatThrownBy(() -> read(Map.of("APP_THREADS", "99999999999")).integer("APP_THREADS", 1, Integer.MAX_VALUE))
                .hasMessageContaining("APP_THREADS");
    }

    @Test
    void millisecondsBecomeADurationInRange() {
        assertThat(read(Map.of()).millis("APP_LINGER_MS", 0, 60_000)).isEqualTo(Duration.ofMillis(5));
        assertThat(read(Map.of("APP_LINGER_MS", "0")).millis("APP_LINGER_MS", 0, 60_000)).isZero();
        assertThatThrownBy(() -> read(Map.of("APP_LINGER_MS", "5s")).millis("APP_LINGER_MS", 0, 60_000))
                .hasMessage("APP_LINGER_MS must be a number of milliseconds from 0 to 60000, was '5s'");
        assertThatThrownBy(() -> read(Map.of("APP_LINGER_MS", "-1")).millis("APP_LINGER_MS", 0, Long.MAX_VALUE))
                .hasMessage("APP_LINGER_MS must be a number of milliseconds of at least 0, was '-1'");
    }

    @Test
    void booleansTakeTheUsualSpellings() {
        for (String yes : List.of("true", "TRUE", "1", "yes", "Yes")) {
            assertThat(read(Map.of("APP_ENABLED", yes)).bool("APP_ENABLED")).as(yes).isTrue();
        }
        for (String no : List.of("false", "False", "0", "no")) {
            assertThat(read(Map.of("APP_ENABLED", no)).bool("APP_ENABLED")).as(no).isFalse();
        }
        assertThat(read(Map.of()).bool("APP_ENABLED")).isTrue();
        assertThatThrownBy(() -> read(Map.of("APP_ENABLED", "maybe")).bool("APP_ENABLED"))
                .hasMessage("APP_ENABLED must be true or false, was 'maybe'");
    }

    @Test
    void aChoiceIsOneOfItsOptions() {
        assertThat(read(Map.of()).choice("APP_START_AT", "latest", "earliest")).isEqualTo("latest");
        assertThat(read(Map.of("APP_START_AT", "EARLIEST")).choice("APP_START_AT", "latest", "earliest"))
                .isEqualTo("earliest");
        assertThatThrownBy(() -> read(Map.of("APP_START_AT", "now")).choice("APP_START_AT", "latest", "earliest"))
                .hasMessage("APP_START_AT must be latest or earliest, was 'now'");
        assertThatThrownBy(() -> read(Map.of("APP_START_AT", "now")).choice("APP_START_AT", "a", "b", "c"))
                .hasMessage("APP_START_AT must be one of a, b, c, was 'now'");
    }

    @Test
    void listsAreCommaSeparatedAndTrimmed() {
        assertThat(read(Map.of("APP_NODES", " a:1, b:2 ,,")).list("APP_NODES")).containsExactly("a:1", "b:2");
        assertThat(read(Map.of()).list("APP_NODES")).isEmpty();
    }

    @Test
    void aFileMustBeReadable(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("store.p12"), "x");
        assertThat(read(Map.of("APP_STORE_PATH", file.toString())).readableFile("APP_STORE_PATH")).hasValue(file);
        assertThat(read(Map.of()).readableFile("APP_STORE_PATH")).isEmpty();
        assertThatThrownBy(() -> read(Map.of("APP_STORE_PATH", "/nowhere.p12")).readableFile("APP_STORE_PATH"))
                .hasMessage("APP_STORE_PATH names no readable file: '/nowhere.p12'");
    }

    @Test
    void aSecretIsReadButNeverShown() {
        ConfigReader reader = read(Map.of("APP_PASSWORD", SECRET_VALUE, "APP_NAME", "shop"));
        assertThat(reader.secret("APP_PASSWORD")).hasValue(SECRET_VALUE);
        assertThat(read(Map.of()).secret("APP_PASSWORD")).isEmpty();
        assertThat(reader.toString()).contains("APP_PASSWORD", "APP_NAME").doesNotContain(SECRET_VALUE, "shop");
        // whatever a service expects of a secret, the error names the variable and hides the value
        List<Consumer<ConfigReader>> misreads = List.of(
                r -> r.integer("APP_PASSWORD", 0, 10),
                r -> r.millis("APP_PASSWORD", 0, 10),
                r -> r.bool("APP_PASSWORD"),
                r -> r.choice("APP_PASSWORD", "a", "b"),
                r -> { throw r.invalid("APP_PASSWORD", "user:password"); });
        for (Consumer<ConfigReader> misread : misreads) {
            assertThatThrownBy(() -> misread.accept(reader)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("APP_PASSWORD must be").hasMessageContaining("not shown")
                    .message().doesNotContain(SECRET_VALUE);
        }
        assertThatThrownBy(() -> read(Map.of("APP_PASSWORD", SECRET_VALUE)).readableFile("APP_PASSWORD"))
                .hasMessageStartingWith("APP_PASSWORD names no readable file").message().doesNotContain(SECRET_VALUE);
    }

    @Test
    void aSecretMustBeDeclaredAsOneAndHasNoDefault() {
        assertThatThrownBy(() -> read(Map.of()).secret("APP_NAME")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("APP_NAME");
        assertThatThrownBy(() -> new Variable("APP_TOKEN", "changeme", "a token", true))
                .hasMessageContaining("APP_TOKEN");
    }

    @Test
    void onlyDeclaredVariablesAreRead() {
        assertThatThrownBy(() -> read(Map.of("APP_UNDECLARED", "1")).value("APP_UNDECLARED"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("APP_UNDECLARED");
    }

    @Test
    void theDeclarationsListNamesDefaultsAndDescriptionsInOrder() {
        Variables all = VARIABLES.and(Variables.of(Variable.of("OTHER_PORT", "6379", "another part's port")));
        assertThat(all.names()).startsWith("APP_NAME", "APP_REQUIRED").endsWith("APP_PASSWORD", "OTHER_PORT");
        assertThat(all.list()).first().isEqualTo(Variable.of("APP_NAME", "orders", "the application's name"));
        assertThat(all.find("OTHER_PORT")).map(Variable::defaultValue).hasValue("6379");
        assertThat(all.find("APP_PASSWORD")).map(Variable::secret).hasValue(true);
        assertThatThrownBy(() -> VARIABLES.and(Variables.of(Variable.of("APP_NAME", "x", "again"))))
                .hasMessageContaining("APP_NAME is declared twice");
        assertThatThrownBy(() -> Variable.of("app-name", "", "lower case")).hasMessageContaining("app-name");
    }

    @Test
    void aReadmeTableIsComparedWithTheDeclarations() {
        Variables declared = Variables.of(Variable.of("APP_PORT", "8080", "port"), Variable.of("APP_USER", "", "user"),
                Variable.secret("APP_PASSWORD", "password"), Variable.of("APP_MODE", "fast", "mode"));
        String readme = """
                | variable | default | meaning |
                |---|---|---|
                | `APP_PORT` | `8080` | port |
                | `APP_USER`, `APP_PASSWORD` | none | credentials |
                | `APP_MODE` | `slow` | mode |
                """;
        assertThat(declared.differencesFrom(readme)).containsExactly(
                "APP_MODE: the table's default is '`slow`', the code's 'fast'");
        assertThat(declared.differencesFrom(readme.replace("| `APP_PORT` | `8080` | port |\n", "")))
                .contains("APP_PORT: no table row names it");
    }
}
