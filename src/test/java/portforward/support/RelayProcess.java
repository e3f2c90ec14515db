package portforward.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The relay as a real process (the test classpath's Main), with its stderr read line by line. */
public final class RelayProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder seen = new StringBuilder();

    private RelayProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            } catch (IOException e) {
                lines.add("stderr read failed: " + e);
            }
        }, "relay-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code portforward ARGS}; {@code shellPrefix} (such as "ulimit -n 96;") runs first if given.
     * The relay gets the default action for HUP, INT and TERM whatever this JVM was started with: a
     * suite run under nohup or in a background job would otherwise hand it those signals ignored.
     */
    public static RelayProcess start(String shellPrefix, String... args) throws IOException {
        return start("--default-signal=HUP,INT,TERM", shellPrefix, args);
    }

    /** Starts {@code portforward ARGS} with SIGHUP ignored, as nohup starts a program. */
    public static RelayProcess startUnderNohup(String... args) throws IOException {
        return start("--ignore-signal=HUP", null, args);
    }

    private static RelayProcess start(String signals, String shellPrefix, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of("env", signals, java, "-cp", System.getProperty("java.class.path"),
                "portforward.cli.Main"));
        command.addAll(List.of(args));
        if (shellPrefix != null) {
            StringBuilder line = new StringBuilder(shellPrefix).append(" exec");
            for (String word : command) {
                line.append(" '").append(word.replace("'", "'\\''")).append('\'');
            }
            command = List.of("bash", "-c", line.toString());
        }
        return new RelayProcess(new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start());
    }

    public Process process() {
        return process;
    }

    /** Waits (at most 20 s) for a stderr line matching {@code pattern}; returns the match. */
    public Matcher await(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            seen.append(line).append('\n');
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("the relay never logged /" + pattern + "/; it logged:\n" + seen);
    }

    /** Everything the relay has logged so far, for a failure message. */
    public String log() {
        for (String line = lines.poll(); line != null; line = lines.poll()) {
            seen.append(line).append('\n');
        }
        return seen.toString();
    }

    /** The port of the first "listening on tcp 127.0.0.1:PORT" line. */
    public int listeningPort() throws InterruptedException {
        return Integer.parseInt(await(Pattern.compile("listening on tcp 127\\.0\\.0\\.1:(\\d+)")).group(1));
    }

    public void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.toHandle().descendants()
                .findFirst().map(ProcessHandle::pid).orElse(process.pid()))).start().waitFor();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
