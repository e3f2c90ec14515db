package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import portforward.support.RelayProcess;
import portforward.support.Sockets;
import portforward.support.TcpServer;

/** Running out of file descriptors pauses accepting; it never kills the listener. */
@Timeout(60)
class FileLimitTest {

    @Test
    void acceptErrorsAreLoggedAndTheListenerRecovers() throws Exception {
        try (TcpServer echo = TcpServer.echo();
                RelayProcess relay = RelayProcess.start("ulimit -n 160;", "tcp", "listen:127.0.0.1:0",
                        "conn:127.0.0.1:" + echo.port())) {
            int port = relay.listeningPort();
            List<Socket> hogs = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    hogs.add(Sockets.connect(port)); // the kernel accepts them into the backlog regardless
                }
                relay.await(Pattern.compile("accept on 127\\.0\\.0\\.1:" + port
                        + " failed: too many open files; pausing accepts for 1 s"));
            } finally {
                for (Socket s : hogs) {
                    s.close();
                }
            }
            // The relay still drains the hogs' links from its backlog, each a dial that may meet the
            // descriptor limit and close its client at once; the listener must come back to serving.
            String answer = "";
            for (int attempt = 1; attempt <= 200 && !answer.equals("still serving"); attempt++) {
                try (Socket s = Sockets.connect(port)) {
                    Sockets.send(s, "still serving");
                    s.shutdownOutput();
                    answer = Sockets.readTextToEnd(s);
                } catch (java.net.SocketException reset) {
                    answer = "";
                }
            }
            assertEquals("still serving", answer);
        }
    }
}
