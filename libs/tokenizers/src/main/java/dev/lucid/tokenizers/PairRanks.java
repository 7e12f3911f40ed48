package dev.lucid.tokenizers;

import java.util.Arrays;

/** Rank of a merge by its (left id, right id) pair: an open-addressing table without boxing. */
final class PairRanks {
    private final long[] keys;
    private final int[] values;
    private final int mask;

    PairRanks(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2)) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, -1L);
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    /** Adds a pair; false when it is already present. */
    boolean putIfAbsent(int a, int b, int rank) {
        long k = key(a, b);
        for (int i = slot(k); ; i = (i + 1) & mask) {
            if (keys[i] == -1L) {
                keys[i] = k;
                values[i] = rank;
                return true;
            }
            if (keys[i] == k) {
                return false;
            }
        }
    }

    /** The rank of a pair, or -1. */
    int get(int a, int b) {
        long k = key(a, b);
        for (int i = slot(k); ; i = (i + 1) & mask) {
            if (keys[i] == k) {
                return values[i];
            }
            if (keys[i] == -1L) {
                return -1;
            }
        }
    }
}
