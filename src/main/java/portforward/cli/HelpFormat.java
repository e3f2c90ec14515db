package portforward.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import joptsimple.HelpFormatter;
import joptsimple.OptionDescriptor;

/**
 * The "Options:" section of --help, from the parser's option specs: one entry per option (not
 * per alias), sorted by long name, the argument as its own word ({@code --pool N}), the default
 * after the description, wrapped at {@link #WIDTH} with no trailing spaces. An option added to the
 * parser appears here with nothing else to change.
 */
final class HelpFormat implements HelpFormatter {
    static final int WIDTH = 100;
    private static final int INDENT = 2;
    private static final int GAP = 2;

    @Override
    public String format(Map<String, ? extends OptionDescriptor> options) {
        Set<OptionDescriptor> unique = new LinkedHashSet<>(options.values());
        List<OptionDescriptor> sorted = unique.stream()
                .filter(d -> !d.options().contains("[arguments]")) // jopt-simple's name for the non-options
                .sorted(Comparator.comparing(HelpFormat::longName))
                .collect(Collectors.toList());
        List<String[]> rows = new ArrayList<>();
        for (OptionDescriptor d : sorted) {
            rows.add(new String[] {names(d), description(d)});
        }
        int column = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0) + INDENT + GAP;
        StringBuilder out = new StringBuilder("Options:\n");
        for (String[] row : rows) {
            String head = " ".repeat(INDENT) + row[0];
            out.append(wrap(head + " ".repeat(column - head.length()), row[1], column));
        }
        return out.toString();
    }

    private static String longName(OptionDescriptor d) {
        return d.options().stream().filter(o -> o.length() > 1).findFirst().orElse(d.options().get(0));
    }

    /** "-q, --quiet" or "--pool N": short name first, then the long one, then the argument. */
    private static String names(OptionDescriptor d) {
        String names = d.options().stream()
                .sorted(Comparator.comparing(String::length))
                .map(o -> (o.length() == 1 ? "-" : "--") + o)
                .collect(Collectors.joining(", "));
        if (!d.acceptsArguments()) {
            return names;
        }
        String argument = d.argumentDescription().isEmpty() ? d.argumentTypeIndicator() : d.argumentDescription();
        if (argument.isEmpty() || argument.contains(".")) {
            argument = "VALUE"; // a bare class name is no help to a user
        }
        return names + " " + (d.requiresArgument() ? argument : "[" + argument + "]");
    }

    private static String description(OptionDescriptor d) {
        List<?> defaults = d.defaultValues();
        if (defaults.isEmpty()) {
            return d.description();
        }
        String shown = defaults.stream().map(String::valueOf).collect(Collectors.joining(", "));
        return d.description() + " (default: " + shown + ")";
    }

    /** {@code head} then {@code text} word-wrapped at WIDTH, continuation lines at {@code column}. */
    static String wrap(String head, String text, int column) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(head);
        boolean empty = true;
        for (String word : text.split(" ")) {
            if (!empty && line.length() + 1 + word.length() > WIDTH) {
                out.append(line.toString().stripTrailing()).append('\n');
                line = new StringBuilder(" ".repeat(column));
                empty = true;
            }
            line.append(empty ? "" : " ").append(word);
            empty = false;
        }
        return out.append(line.toString().stripTrailing()).append('\n').toString();
    }
}
