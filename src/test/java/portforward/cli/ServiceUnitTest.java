package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** src/dist/portforward@.service: what the issue asks of it, and systemd's own check where it exists. */
@Timeout(60)
class ServiceUnitTest {
    private static final Path UNIT = Path.of("src/dist/portforward@.service");

    @Test
    void runsTheInstancesFileReloadsWithHupAndKeepsOnlyTheBindCapability() throws Exception {
        List<String> lines = Files.readAllLines(UNIT, StandardCharsets.UTF_8);
        for (String wanted : List.of("ExecStart=@BINDIR@/portforward -c /etc/portforward/%i.conf",
                "ExecReload=/bin/kill -HUP $MAINPID", "DynamicUser=yes", "NoNewPrivileges=yes",
                "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
                "RestartPreventExitStatus=2")) {
            assertTrue(lines.contains(wanted), wanted + " missing from " + UNIT);
        }
        assertEquals(1, lines.stream().filter(l -> l.startsWith("CapabilityBoundingSet=")).count());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("AmbientCapabilities=")).count());
    }

    @Test
    void systemdAcceptsTheInstalledUnit(@TempDir Path dir) throws Exception {
        boolean present = Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))
                || Files.isExecutable(Path.of("/bin/systemd-analyze"));
        if (!present) {
            System.out.println("ServiceUnitTest: systemd-analyze not found; skipping its check of the unit"
                    + " (runsTheInstancesFileReloadsWithHupAndKeepsOnlyTheBindCapability checks the settings)");
        }
        Assumptions.assumeTrue(present, "systemd-analyze not installed");
        // As build.sh --prefix installs it: @BINDIR@ made a directory holding an executable launcher.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path launcher = Files.writeString(bin.resolve("portforward"), "#!/bin/sh\n");
        assertTrue(launcher.toFile().setExecutable(true));
        Path installed = dir.resolve("portforward@.service");
        Files.writeString(installed, Files.readString(UNIT).replace("@BINDIR@", bin.toString()));
        Process p = new ProcessBuilder("systemd-analyze", "verify", "--man=no", installed.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "systemd-analyze did not finish");
        assertEquals(0, p.exitValue(), "systemd-analyze verify: " + said);
        assertEquals("", said.strip(), "systemd-analyze's findings");
    }
}
