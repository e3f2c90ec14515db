package portforward.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.RecvByteBufAllocator;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SpliceSizedReadsTest {

    @Test
    void aSpliceMayFillThePipe() {
        assertEquals(1 << 20, new SpliceSizedReads(1 << 20).newHandle().guess());
    }

    /** A handle method Netty adds later would otherwise fall to an interface default, unforwarded. */
    @Test
    void everyHandleMethodIsForwardedToTheAdaptiveHandle() throws Exception {
        List<String> unforwarded = new ArrayList<>();
        for (Method method : RecvByteBufAllocator.ExtendedHandle.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Method used = SpliceSizedReads.SpliceSizedHandle.class.getMethod(method.getName(), method.getParameterTypes());
            if (used.getDeclaringClass().isInterface()) {
                unforwarded.add(method.getName());
            }
        }
        assertEquals(List.of(), unforwarded);
    }
}
