package portforward.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.BindException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import portforward.endpoint.Endpoint;

/** The hints a failed bind carries; the tests run as root, so a denied bind cannot be provoked here. */
@Timeout(10)
class ListenersTest {

    @Test
    void aDeniedPrivilegedPortNamesTheCapability() throws Exception {
        assertEquals("permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
                Listeners.bindFailure(Endpoint.parse("listen:0.0.0.0:80"), new BindException("Permission denied")));
    }

    @Test
    void aDeniedHighPortIsOnlyTheCause() throws Exception {
        assertEquals("permission denied",
                Listeners.bindFailure(Endpoint.parse("listen:0.0.0.0:8080"), new BindException("Permission denied")));
    }
}
