package portforward.hop.secure.udp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The replay window against a plain model: a counter is taken once, and never from too far behind. */
@Timeout(30)
class ReplayWindowTest {

    @Test
    void eachCounterOnceAndNothingOlderThanTheWindow() {
        ReplayWindow window = new ReplayWindow();
        Set<Long> taken = new HashSet<>();
        Random random = new Random(6479);
        long highest = -1;
        for (int i = 0; i < 200_000; i++) {
            long counter = Math.max(0, highest + random.nextInt(2 * ReplayWindow.SIZE + 200) - ReplayWindow.SIZE - 100);
            if (random.nextInt(50) == 0) {
                counter = highest + random.nextInt(5000); // a jump ahead, past whole blocks
            }
            boolean expected = !taken.contains(counter) && (counter > highest || highest - counter < ReplayWindow.SIZE);
            boolean may = window.mayTake(counter);
            if (may != expected) {
                throw new AssertionError("counter " + counter + " with highest " + highest + ": window said " + may);
            }
            if (may) {
                window.take(counter);
                taken.add(counter);
                highest = Math.max(highest, counter);
            }
        }
    }

    @Test
    void theEdgesOfTheWindow() {
        ReplayWindow window = new ReplayWindow();
        window.take(5000);
        assertTrue(window.mayTake(5000 - ReplayWindow.SIZE + 1));
        assertFalse(window.mayTake(5000 - ReplayWindow.SIZE));
        assertFalse(window.mayTake(5000));
        assertTrue(ReplayWindow.SIZE >= 1024);
        assertFalse(window.mayTake(-1), "counters past 2^63 are never taken");
    }
}
