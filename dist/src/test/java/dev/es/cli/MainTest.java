package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The root command in-process, through the same entry tests use for every command. */
class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void versionNamesTheProgramAndTheJava() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("es "), out.toString());
        assertTrue(out.toString().contains("Java " + Runtime.version().feature()), out.toString());
        String flag = out.toString();
        assertEquals(0, run("version"));
        assertEquals(flag + flag, out.toString(), "es version says what es --version says");
    }

    @Test
    void helpListsServeWithExamples() {
        assertEquals(0, run("--help"));
        // The command listing's line, not the footer's example.
        assertTrue(out.toString().lines().anyMatch(line -> line.strip().startsWith("serve ")), out.toString());
        assertTrue(out.toString().contains("Examples:"), out.toString());
        assertEquals(0, run("serve", "--help"));
        assertTrue(out.toString().contains("--max-event-bytes"), out.toString());
    }

    @Test
    void exitCodesListsEveryCodeAScriptCanTellApart() {
        assertEquals(0, run("help", "exit-codes"));
        for (String code : new String[] {"0", "1", "2", "4", "5", "6", "124", "130"}) {
            assertTrue(out.toString().lines().anyMatch(line -> line.strip().startsWith(code + " ")), code + ": " + out);
        }
        assertTrue(out.toString().contains("--no-gaps"), out.toString());
    }

    @Test
    void helpThatIsNotOnATerminalKeepsEachExampleOnItsLine() {
        // Tests' standard output is not a terminal, as a pipe's or a file's is not.
        assertEquals(0, run("publish", "--help"));
        assertTrue(out.toString().lines().anyMatch(
                "  es publish u1 u2 u3 -- 'Your export is ready'   # several channels, one request"::equals), out.toString());
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(2, run());
        assertEquals("es: a command is required", err.toString().lines().findFirst().orElseThrow());
        assertTrue(err.toString().endsWith("Try 'es --help' for more information.\n"), err.toString());
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertEquals(2, run("serv"));
        assertTrue(err.toString().startsWith("es: Unmatched argument at index 0: 'serv'"), err.toString());
    }

    @ParameterizedTest(name = "serve {0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --history           | -1         | es: history (events per channel) must be 0 or more, not -1
            --max-channels      | 0          | es: max channels must be 1 or more, not 0
            --max-event-bytes   | 3000000000 | es: max event bytes must be between 1 and 1073741824 (1 GiB)
            """)
    void aLimitOutOfRangeIsOneLineNamingItAndAUsageError(String option, String value, String message) {
        CliRun refused = CliRun.of("serve", "--port", "0", option, value);
        assertEquals(2, refused.exitCode());
        assertEquals(message + "\nTry 'es serve --help' for more information.\n", refused.err());
    }
}
