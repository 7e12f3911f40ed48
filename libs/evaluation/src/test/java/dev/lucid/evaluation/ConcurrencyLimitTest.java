package dev.lucid.evaluation;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConcurrencyLimitTest {

    /**
     * Backends that run {@code capacity} passes at once, each in {@code serviceMillis} alone; more passes share
     * them (a pass started with n in flight takes serviceMillis × max(1, n / capacity)). Passes start whenever the
     * limit allows, as the workers do, and all have ended on return. Returns the limit seen at each pass start.
     */
    private static List<Integer> drive(ConcurrencyLimit limit, int capacity, double serviceMillis, int passes)
            throws InterruptedException {
        record Pass(double end, long ticket, double millis) {
        }
        PriorityQueue<Pass> running = new PriorityQueue<>((a, b) -> Double.compare(a.end, b.end));
        List<Integer> seen = new ArrayList<>();
        double now = 0;
        for (int started = 0; started < passes; ) {
            while (running.size() < limit.limit() && started < passes) {
                long ticket = limit.acquire();
                double millis = serviceMillis * Math.max(1.0, (running.size() + 1.0) / capacity);
                running.add(new Pass(now + millis, ticket, millis));
                seen.add(limit.limit());
                started++;
            }
            Pass done = running.poll();
            now = done.end;
            limit.release();
            limit.onPass(done.ticket, 16, done.millis);
        }
        for (Pass done; (done = running.poll()) != null; ) {
            limit.release();
            limit.onPass(done.ticket, 16, done.millis);
        }
        return seen;
    }

    private static void assertSettlesBetween(List<Integer> seen, int low, int high) {
        List<Integer> tail = seen.subList(seen.size() / 2, seen.size());
        long outside = tail.stream().filter(n -> n < low || n > high).count();
        // Probe rounds run one pass alone: at most a few starts in a hundred.
        assertTrue(outside <= tail.size() / 20, "limit outside " + low + ".." + high + " at " + outside + " of "
                + tail.size() + " starts: " + tail);
    }

    @Test
    void settlesJustAboveWhatTheBackendsRunAtOnce() throws Exception {
        for (int capacity : new int[]{1, 2, 4}) {
            List<Integer> seen = drive(new ConcurrencyLimit(1, 16, 2), capacity, 100, 3000);
            assertSettlesBetween(seen, capacity + 1, capacity + 3);
        }
    }

    @Test
    void staysWithinItsBounds() throws Exception {
        List<Integer> seen = drive(new ConcurrencyLimit(1, 3, 2), 8, 100, 1000);
        assertTrue(seen.stream().allMatch(n -> n >= 1 && n <= 3), seen.toString());
        assertEquals(3, seen.get(seen.size() - 1), "with room in the backends it goes to its maximum");
    }

    @Test
    void followsBackendsThatGetSlowerOrFaster() throws Exception {
        ConcurrencyLimit limit = new ConcurrencyLimit(1, 16, 2);
        drive(limit, 2, 10, 1500);
        // Ten times slower (another model): the unloaded time is measured again, and the limit does not collapse.
        assertSettlesBetween(drive(limit, 2, 100, 1500), 3, 5);
        // Ten times faster: faster rounds lower the unloaded time at once.
        assertSettlesBetween(drive(limit, 4, 10, 1500), 5, 7);
    }

    @Test
    void aPeerDownHalvesItAndAFixedLimitNeverMoves() throws Exception {
        ConcurrencyLimit limit = new ConcurrencyLimit(1, 16, 2);
        drive(limit, 4, 100, 1000);
        int before = limit.limit();
        limit.onPeerDown();
        assertEquals(Math.max(1, before / 2), limit.limit());
        ConcurrencyLimit fixed = ConcurrencyLimit.fixed(3);
        assertTrue(drive(fixed, 1, 100, 300).stream().allMatch(n -> n == 3));
    }

    @Test
    void refusesBoundsThatCannotHold() {
        assertEquals("concurrency needs 1 <= min <= initial <= max, got min 1, initial 5, max 4",
                assertThrows(IllegalArgumentException.class, () -> new ConcurrencyLimit(1, 4, 5)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConcurrencyLimit(0, 4, 2));
    }

    @Test
    void passesStartInTheOrderTheyAskedSoAWaitingWorkerIsNotOvertaken() throws Exception {
        ConcurrencyLimit limit = ConcurrencyLimit.fixed(1);
        List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        limit.acquire();
        Thread waiter = new Thread(() -> {
            try {
                limit.acquire();
                order.add("waiter");
                Thread.sleep(100);
                order.add("waiter done");
                limit.release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        for (int i = 0; i < 500 && limit.waiting() == 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(1, limit.waiting(), "the second worker waits");
        // The first worker ends its pass and asks again at once: it must wait behind the one already waiting.
        limit.release();
        limit.acquire();
        order.add("first again");
        limit.release();
        waiter.join(5000);
        assertEquals(List.of("waiter", "waiter done", "first again"), order);

        // A waiter that leaves the line (interrupted) does not block those behind it.
        limit.acquire();
        Thread leaving = new Thread(() -> {
            try {
                limit.acquire();
                order.add("never");
            } catch (InterruptedException e) {
                order.add("left");
            }
        });
        leaving.start();
        for (int i = 0; i < 500 && limit.waiting() == 0; i++) {
            Thread.sleep(10);
        }
        Thread behind = new Thread(() -> {
            try {
                limit.acquire();
                order.add("behind");
                limit.release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        behind.start();
        for (int i = 0; i < 500 && limit.waiting() < 2; i++) {
            Thread.sleep(10);
        }
        leaving.interrupt();
        leaving.join(5000);
        limit.release();
        behind.join(5000);
        assertEquals(List.of("waiter", "waiter done", "first again", "left", "behind"), order);
        assertEquals(0, limit.waiting());
    }
}
