package dev.lucid.evaluation;

/**
 * How many passes of one coordinator may run at once, adapted to how long the backends queue them, in the manner
 * of TCP Vegas: a round is as many finished passes as the limit; its mean time per item, against the round time of
 * backends without a queue, estimates how many passes wait in the backends' queues:
 * {@code queued = limit × (1 − unloaded / mean)}. Below {@link #ALPHA} the backends have room and the limit grows by
 * one; above {@link #BETA} passes only queue and it shrinks by one. A pass that finds a peer down halves it.
 *
 * <p>The unloaded time cannot be seen while the limit keeps the backends busy (taking the shortest loaded round
 * for it would let the limit creep up for ever), so, as BBR probes its round-trip time, every
 * {@link #PROBE_EVERY_ROUNDS} rounds one pass runs alone and its time per item becomes the unloaded time; passes
 * that started before the probe, or during it, do not count. Rounds faster than it lower it at once.
 *
 * <p>With backends that serve C passes at once and nothing else, the limit settles between C + 1 and C + 3: one
 * pass more than the backends run keeps them fed while the others are between calls.
 *
 * <p>Passes start in the order they asked (first come, first served): a worker that ends a pass and asks again
 * waits behind those already waiting. Each worker holds its own items, so without this, the few workers that kept
 * winning the race after an outage would run while the others' batches waited for the reclaim limit.
 */
public final class ConcurrencyLimit {
    /** Grow while fewer passes than this are estimated to wait in the backends' queues. */
    static final double ALPHA = 1.0;
    /** Shrink while more passes than this are estimated to wait. */
    static final double BETA = 3.0;
    /** Rounds between two measurements of the unloaded time. */
    static final int PROBE_EVERY_ROUNDS = 20;

    private final int min;
    private final int max;
    private int limit;
    private int inUse;
    /** The next arrival's place in line, and the place whose turn it is. */
    private long arrivals;
    private long admitted;
    /** Places whose waiters left the line (interrupted) before their turn. */
    private final java.util.Set<Long> abandoned = new java.util.HashSet<>();
    private long epoch;
    private boolean probing;
    private int limitBeforeProbe;
    private int samplesInRound;
    private double millisInRound;
    private long itemsInRound;
    private double unloaded = Double.POSITIVE_INFINITY;
    private long rounds;

    /** A limit that adapts between {@code min} and {@code max}, starting at {@code initial}. */
    public ConcurrencyLimit(int min, int max, int initial) {
        if (min < 1 || max < min || initial < min || initial > max) {
            throw new IllegalArgumentException("concurrency needs 1 <= min <= initial <= max, got min " + min
                    + ", initial " + initial + ", max " + max);
        }
        this.min = min;
        this.max = max;
        this.limit = initial;
    }

    /** A limit that stays at {@code n}. */
    public static ConcurrencyLimit fixed(int n) {
        return new ConcurrencyLimit(n, n, n);
    }

    /** Waits, in line, until a pass may start; returns the ticket to give {@link #onPass}. */
    public synchronized long acquire() throws InterruptedException {
        long place = arrivals++;
        try {
            while (place != admitted || inUse >= limit) {
                wait();
            }
        } catch (InterruptedException e) {
            if (place == admitted) {
                nextInLine();
            } else {
                abandoned.add(place);
            }
            throw e;
        }
        inUse++;
        nextInLine();
        return epoch;
    }

    /** Passes waiting for their turn. */
    synchronized int waiting() {
        return (int) (arrivals - admitted - abandoned.size());
    }

    private void nextInLine() {
        admitted++;
        while (abandoned.remove(admitted)) {
            admitted++;
        }
        notifyAll();
    }

    /** A pass ended. */
    public synchronized void release() {
        inUse--;
        notifyAll();
    }

    /**
     * A pass that recorded {@code items} items in {@code millis}; passes that recorded nothing say nothing.
     *
     * @param ticket what {@link #acquire} returned for the pass
     */
    public synchronized void onPass(long ticket, int items, double millis) {
        if (items <= 0 || min == max || ticket != epoch) {
            return;
        }
        samplesInRound++;
        millisInRound += millis;
        itemsInRound += items;
        if (samplesInRound < limit) {
            return;
        }
        double mean = millisInRound / itemsInRound;
        newRound();
        if (probing) {
            unloaded = mean;
            probing = false;
            setLimit(limitBeforeProbe);
            return;
        }
        unloaded = Math.min(unloaded, mean);
        if (++rounds % PROBE_EVERY_ROUNDS == 0) {
            probing = true;
            limitBeforeProbe = limit;
            setLimit(min);
            return;
        }
        double queued = limit * (1 - unloaded / mean);
        if (queued < ALPHA && limit < max) {
            setLimit(limit + 1);
        } else if (queued > BETA && limit > min) {
            setLimit(limit - 1);
        }
    }

    /** A pass found a peer down: half as many passes hold items while it is away. */
    public synchronized void onPeerDown() {
        int from = probing ? limitBeforeProbe : limit;
        probing = false;
        newRound();
        setLimit(Math.max(min, from / 2));
    }

    /** The current limit. */
    public synchronized int limit() {
        return limit;
    }

    /** Samples of passes that started before now belong to no round. */
    private void newRound() {
        epoch++;
        samplesInRound = 0;
        millisInRound = 0;
        itemsInRound = 0;
    }

    private void setLimit(int n) {
        limit = n;
        notifyAll();
    }
}
