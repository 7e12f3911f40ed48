package dev.lucid.coordinator.autoscaler;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaPlannerTest {
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    /** 1..6 replicas, 2 at a time, up after 30 s, down after 300 s, drain within 60 s, 0.5 s per item by default. */
    static final ScalingPolicy POLICY = new ScalingPolicy(1, 6, 2, Duration.ofSeconds(30), Duration.ofSeconds(300),
            Duration.ofSeconds(60), 0.5);

    @Test
    void wantedReplicasDrainTheBacklogInTheTargetTimeWithinMinAndMax() {
        assertEquals(1, ReplicaPlanner.wanted(POLICY, 0, 0.5), "no backlog: min");
        assertEquals(1, ReplicaPlanner.wanted(POLICY, 120, 0.5), "60 s of work: one replica");
        assertEquals(2, ReplicaPlanner.wanted(POLICY, 121, 0.5), "a little more than one replica's worth rounds up");
        assertEquals(5, ReplicaPlanner.wanted(POLICY, 100, 3.0), "300 s of work in 60 s: 5");
        assertEquals(6, ReplicaPlanner.wanted(POLICY, 1_000_000, 2.0), "capped at max");
        assertEquals(3, ReplicaPlanner.wanted(POLICY, 300, Double.NaN), "no measurement: the default 0.5 s per item");
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlanner.wanted(POLICY, -1, 1));
    }

    @Test
    void backlogUpScalesUpByAtMostTheStepAndNotDuringTheUpCooldown() {
        ReplicaPlanner p = new ReplicaPlanner();
        ScaleDecision d = p.decide("gen", POLICY, 1, 1000, 0.5, T0);
        assertEquals(6, d.wanted());
        assertEquals(3, d.next(), "1 + max-step 2");
        p.applied("gen", T0);
        d = p.decide("gen", POLICY, 3, 1000, 0.5, T0.plusSeconds(29));
        assertFalse(d.changes(), "29 s after a change: up-cooldown");
        assertTrue(d.reason().endsWith("scale-up cooldown"), d.reason());
        d = p.decide("gen", POLICY, 3, 1000, 0.5, T0.plusSeconds(30));
        assertEquals(5, d.next());
        p.applied("gen", T0.plusSeconds(30));
        d = p.decide("gen", POLICY, 5, 1000, 0.5, T0.plusSeconds(60));
        assertEquals(6, d.next(), "never above max");
        p.applied("gen", T0.plusSeconds(60));
        assertFalse(p.decide("gen", POLICY, 6, 1000, 0.5, T0.plusSeconds(90)).changes());
    }

    @Test
    void backlogGoneScalesDownOnlyAfterTheDownCooldownThenStepByStepToMin() {
        ReplicaPlanner p = new ReplicaPlanner();
        assertFalse(p.decide("gen", POLICY, 6, 1000, 0.5, T0).changes(), "busy at 6 replicas");
        // backlog gone at T0+10 s: the last time it needed 6 replicas was T0
        ScaleDecision d = p.decide("gen", POLICY, 6, 0, 0.5, T0.plusSeconds(10));
        assertEquals(1, d.wanted());
        assertFalse(d.changes());
        assertTrue(d.reason().endsWith("scale-down cooldown"), d.reason());
        assertFalse(p.decide("gen", POLICY, 6, 0, 0.5, T0.plusSeconds(299)).changes());
        d = p.decide("gen", POLICY, 6, 0, 0.5, T0.plusSeconds(300));
        assertEquals(4, d.next(), "6 - max-step 2");
        p.applied("gen", T0.plusSeconds(300));
        assertFalse(p.decide("gen", POLICY, 4, 0, 0.5, T0.plusSeconds(599)).changes(), "cooldown counts from the last change");
        assertEquals(2, p.decide("gen", POLICY, 4, 0, 0.5, T0.plusSeconds(600)).next());
        p.applied("gen", T0.plusSeconds(600));
        assertEquals(1, p.decide("gen", POLICY, 2, 0, 0.5, T0.plusSeconds(900)).next(), "never below min");
    }

    @Test
    void backlogReturningDuringTheDownCooldownRestartsIt() {
        ReplicaPlanner p = new ReplicaPlanner();
        p.decide("gen", POLICY, 4, 0, 0.5, T0);
        assertFalse(p.decide("gen", POLICY, 4, 0, 0.5, T0.plusSeconds(200)).changes(), "first seen at T0 counts as busy");
        assertFalse(p.decide("gen", POLICY, 4, 480, 0.5, T0.plusSeconds(250)).changes(), "480 items need exactly 4");
        assertFalse(p.decide("gen", POLICY, 4, 0, 0.5, T0.plusSeconds(500)).changes(), "busy at T0+250 s");
        assertEquals(2, p.decide("gen", POLICY, 4, 0, 0.5, T0.plusSeconds(550)).next());
    }

    @Test
    void targetsAreIndependentAndOutOfBoundsReplicasAreCorrected() {
        ReplicaPlanner p = new ReplicaPlanner();
        p.decide("a", POLICY, 1, 1000, 0.5, T0);
        p.applied("a", T0);
        assertEquals(3, p.decide("b", POLICY, 1, 1000, 0.5, T0.plusSeconds(1)).next(), "b has no cooldown from a");
        assertEquals(1, p.decide("c", POLICY, 0, 0, 0.5, T0).next(), "0 replicas are below min 1: up to min");
        ScalingPolicy zeroMin = new ScalingPolicy(0, 3, 1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(60), 1);
        assertEquals(0, p.decide("d", zeroMin, 1, 0, 1, T0).next(), "min 0 and no cooldown: down to zero");
    }

    @Test
    void invalidPoliciesAreRefusedWithTheReason() {
        assertEquals("replicas must satisfy 0 <= min <= max <= 1000, got min=3 max=2", assertThrows(IllegalArgumentException.class,
                () -> new ScalingPolicy(3, 2, 1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1), 1)).getMessage());
        assertEquals("max-step must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> new ScalingPolicy(1, 2, 0, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1), 1)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ScalingPolicy(1, 2, 1, Duration.ZERO, Duration.ZERO, Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new ScalingPolicy(1, 2, 1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class,
                () -> new ScalingPolicy(1, 2, 1, Duration.ofSeconds(-1), Duration.ZERO, Duration.ofSeconds(1), 1));
    }
}
