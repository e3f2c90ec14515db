package portforward.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Writes the man page portforward(1) from the text of --help, so the two never disagree:
 * {@code java -cp portforward.jar portforward.cli.ManPage > portforward.1} (build.sh runs it).
 * A line ending in ':' at the left margin starts a section; each section keeps its layout.
 */
public final class ManPage {
    private ManPage() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(render(new CommandLine().helpText(), Main.version()));
    }

    static String render(String help, String version) {
        StringBuilder roff = new StringBuilder()
                .append(".TH PORTFORWARD 1 \"\" \"portforward ").append(version).append("\" \"User Commands\"\n")
                .append(".SH NAME\nportforward \\- relay TCP connections and UDP datagrams between two addresses\n");
        boolean open = false;
        for (String line : help.split("\n", -1)) {
            String title = null;
            String body = line;
            if (line.startsWith("Usage: ")) {
                title = "SYNOPSIS";
                body = line.substring("Usage: ".length());
            } else if (!line.isEmpty() && !line.startsWith(" ") && line.endsWith(":")) {
                title = line.substring(0, line.length() - 1).toUpperCase(Locale.ROOT);
                body = null;
            }
            if (title != null) {
                roff.append(open ? ".fi\n" : "").append(".SH ").append(quoted(title)).append("\n.nf\n");
                open = true;
            }
            if (body != null && open) {
                roff.append(escape(body.startsWith("  ") ? body.substring(2) : body)).append('\n');
            }
        }
        return roff.append(open ? ".fi\n" : "")
                .append(".SH SEE ALSO\nThe README.md shipped with portforward.\n").toString();
    }

    private static String quoted(String title) {
        return title.contains(" ") ? "\"" + title + "\"" : title;
    }

    private static String escape(String line) {
        String text = line.replace("\\", "\\e").replace("-", "\\-");
        return text.startsWith(".") || text.startsWith("'") ? "\\&" + text : text;
    }
}
