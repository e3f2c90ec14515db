package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HelpTest {
    private final String help = new CommandLine().helpText();

    @Test
    void hasNoLibraryLeftoversNorTrailingSpaces() {
        assertFalse(help.contains("Non-option"), help);
        assertFalse(help.contains("<String"), help);
        assertFalse(help.contains("[String]"), help);
        help.lines().forEach(line -> assertEquals(line.stripTrailing(), line, "trailing spaces"));
        help.lines().forEach(line -> assertTrue(line.length() <= HelpFormat.WIDTH, line));
    }

    @Test
    void listsOptionsSortedByLongNameWithTheirArgument() {
        List<String> names = optionLines().stream()
                .map(line -> line.strip().replaceFirst("^-[a-zA-Z], ", "").split(" ")[0])
                .collect(Collectors.toList());
        assertEquals(names.stream().sorted().collect(Collectors.toList()), names);
        assertTrue(optionLines().contains("  --pool N               conn-conn: idle connections kept open to SOCK1 (default: 4)"),
                String.join("\n", optionLines()));
    }

    @Test
    void namesExitCodesAndEnvironment() {
        for (String section : new String[] {"\nExit codes:\n  0  ", "\n  2  bad input", "\nEnvironment:\n",
            "PORTFORWARD_JAVA_OPTS", "\nSignals:\n"}) {
            assertTrue(help.contains(section), section);
        }
    }

    @Test
    void theManPageIsTheSameText() {
        String roff = ManPage.render(help, "1.2.3");
        assertTrue(roff.startsWith(".TH PORTFORWARD 1 \"\" \"portforward 1.2.3\""), roff);
        for (String section : new String[] {"SYNOPSIS", "OPTIONS", "\"EXIT CODES\"", "ENVIRONMENT", "SIGNALS"}) {
            assertTrue(roff.contains("\n.SH " + section + "\n"), section);
        }
        for (String line : optionLines()) {
            assertTrue(roff.contains(line.substring(2).replace("-", "\\-")), line);
        }
        roff.lines().forEach(line -> assertEquals(line.stripTrailing(), line, "trailing spaces"));
    }

    /** The first line of each option's entry. */
    private List<String> optionLines() {
        String options = help.substring(help.indexOf("\nOptions:\n") + 10, help.indexOf("\n\n", help.indexOf("\nOptions:\n")));
        return options.lines().filter(line -> line.startsWith("  -")).collect(Collectors.toList());
    }
}
