package dev.lucid.evaluation;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.resps.StreamConsumersInfo;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Work items on a Redis stream read by a consumer group: every item goes to one consumer, stays
 * pending until acknowledged, and is reclaimed by another consumer when its owner has been silent
 * longer than a limit (a dead replica). Processing must be idempotent: a reclaimed item may have
 * been half done.
 */
public final class WorkQueue {
    /** A delivered item: its stream id, fields and how often it was handed out (at least, for its own pending ones). */
    public record Delivery(StreamEntryID id, Map<String, String> fields, long deliveries) {
    }

    private final UnifiedJedis redis;
    private final String stream;
    private final String group;

    public WorkQueue(UnifiedJedis redis, String stream, String group) {
        this.redis = redis;
        this.stream = stream;
        this.group = group;
        ensureGroup();
    }

    /** Creates the stream and its group unless they exist (also after Redis lost them, e.g. a restart without persistence). */
    private void ensureGroup() {
        try {
            redis.xgroupCreate(stream, group, new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    private <T> T withGroup(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("NOGROUP")) {
                throw e;
            }
            ensureGroup();
            return call.get();
        }
    }

    /** The stream's key. */
    public String stream() {
        return stream;
    }

    /** The consumer group's name. */
    public String group() {
        return group;
    }

    /** Appends an item. */
    public StreamEntryID add(Map<String, String> fields) {
        return redis.xadd(stream, StreamEntryID.NEW_ENTRY, fields);
    }

    /** Up to {@code count} new items for a consumer, waiting up to {@code blockMillis} when there are none. */
    public List<Delivery> read(String consumer, int count, long blockMillis) {
        List<Map.Entry<String, List<StreamEntry>>> r = withGroup(() -> redis.xreadGroup(group, consumer,
                XReadGroupParams.xReadGroupParams().count(count).block((int) blockMillis),
                Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)));
        List<Delivery> out = new ArrayList<>();
        if (r != null) {
            for (Map.Entry<String, List<StreamEntry>> e : r) {
                for (StreamEntry s : e.getValue()) {
                    out.add(new Delivery(s.getID(), s.getFields(), 1));
                }
            }
        }
        return out;
    }

    /**
     * Up to {@code count} items delivered to this consumer and not yet acknowledged (what it took before and must
     * finish first, e.g. after a peer failed), without waiting. Read with XPENDING and XRANGE, not XREADGROUP's
     * history, which would count each re-read as a hand-out: a worker backing off through a long outage re-reads its
     * batch every pass, and its items must not look like ones that stopped every consumer.
     */
    public List<Delivery> readOwnPending(String consumer, int count) {
        List<StreamPendingEntry> mine = withGroup(() -> redis.xpending(stream, group,
                XPendingParams.xPendingParams(StreamEntryID.MINIMUM_ID, StreamEntryID.MAXIMUM_ID, count).consumer(consumer)));
        List<Delivery> out = new ArrayList<>();
        List<StreamEntryID> gone = new ArrayList<>();
        for (StreamPendingEntry p : mine) {
            List<StreamEntry> e = redis.xrange(stream, p.getID(), p.getID(), 1);
            if (e.isEmpty() || e.get(0).getFields() == null) {
                gone.add(p.getID()); // deleted from the stream while pending: nothing to do
            } else {
                out.add(new Delivery(p.getID(), e.get(0).getFields(), p.getDeliveredTimes()));
            }
        }
        ack(gone.toArray(new StreamEntryID[0]));
        return out;
    }

    /**
     * Renews this consumer's claim on items it is working on (their idle time restarts at 0), so that no other
     * consumer reclaims live work however long a peer call takes.
     */
    public void touch(String consumer, java.util.Collection<StreamEntryID> ids) {
        if (!ids.isEmpty()) {
            withGroup(() -> redis.xclaimJustId(stream, group, consumer, 0, XClaimParams.xClaimParams(),
                    ids.toArray(new StreamEntryID[0])));
        }
    }

    /**
     * Removes from the group the consumers that hold nothing and were silent longer than {@code minIdleMillis}
     * (dead coordinators, whose items were reclaimed), except {@code keep}. Returns how many were removed.
     */
    public int removeIdleConsumers(long minIdleMillis, java.util.Set<String> keep) {
        int removed = 0;
        List<StreamConsumersInfo> consumers;
        try {
            consumers = redis.xinfoConsumers(stream, group);
        } catch (JedisDataException e) {
            return 0; // no stream or group yet
        }
        for (StreamConsumersInfo c : consumers) {
            if (c.getPending() == 0 && c.getIdle() > minIdleMillis && !keep.contains(c.getName())) {
                redis.xgroupDelConsumer(stream, group, c.getName());
                removed++;
            }
        }
        return removed;
    }

    /** Names of the group's consumers. */
    public List<String> consumers() {
        try {
            return redis.xinfoConsumers(stream, group).stream().map(StreamConsumersInfo::getName).toList();
        } catch (JedisDataException e) {
            return List.of();
        }
    }

    /** Items pending longer than {@code minIdleMillis} with any consumer, taken over by this one. */
    public List<Delivery> reclaim(String consumer, long minIdleMillis, int count) {
        Map.Entry<StreamEntryID, List<StreamEntry>> r = withGroup(() -> redis.xautoclaim(stream, group, consumer, minIdleMillis,
                new StreamEntryID(0, 0), XAutoClaimParams.xAutoClaimParams().count(count)));
        List<Delivery> out = new ArrayList<>();
        for (StreamEntry s : r.getValue()) {
            if (s != null && s.getFields() != null) {
                out.add(new Delivery(s.getID(), s.getFields(), deliveries(s.getID())));
            }
        }
        return out;
    }

    /** How often an entry was handed out (XAUTOCLAIM counts each takeover); 2 when Redis cannot say. */
    private long deliveries(StreamEntryID id) {
        List<StreamPendingEntry> p = withGroup(() -> redis.xpending(stream, group,
                XPendingParams.xPendingParams(id, id, 1)));
        return p.isEmpty() ? 2 : p.get(0).getDeliveredTimes();
    }

    /** Acknowledges processed items. */
    public long ack(StreamEntryID... ids) {
        return ids.length == 0 ? 0 : redis.xack(stream, group, ids);
    }

    /** Items delivered but not yet acknowledged. */
    public long pending() {
        return redis.xpending(stream, group).getTotal();
    }

    /**
     * Items not yet done: those never delivered to a consumer (the group's lag) plus those delivered and
     * not acknowledged. Zero when the stream or its group does not exist yet. Where Redis cannot say the
     * lag (before 7.0, or after entries were deleted), the entries after the last delivered one are counted.
     */
    public long backlog() {
        List<StreamGroupInfo> groups;
        try {
            groups = redis.xinfoGroups(stream);
        } catch (JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("ERR no such key")) {
                return 0;
            }
            throw e;
        }
        for (StreamGroupInfo g : groups) {
            if (group.equals(g.getName())) {
                Object lag = g.getGroupInfo().get("lag");
                long waiting = lag instanceof Long l ? l : undeliveredAfter(g.getLastDeliveredId());
                return waiting + g.getPending();
            }
        }
        return 0;
    }

    private long undeliveredAfter(StreamEntryID lastDelivered) {
        StreamEntryID next = new StreamEntryID(lastDelivered.getTime(), lastDelivered.getSequence() + 1);
        return redis.xrange(stream, next, StreamEntryID.MAXIMUM_ID, Integer.MAX_VALUE).size();
    }

    /**
     * Deletes the entries that were handed out and acknowledged: those before both the group's oldest pending entry
     * and its first undelivered one. The group's position is read before its pending entries, so an entry handed
     * out in between is never below the bound. Returns how many were deleted.
     */
    public long trimAcknowledged() {
        StreamEntryID lastDelivered = null;
        try {
            for (StreamGroupInfo g : redis.xinfoGroups(stream)) {
                if (group.equals(g.getName())) {
                    lastDelivered = g.getLastDeliveredId();
                }
            }
        } catch (JedisDataException e) {
            return 0; // no stream yet
        }
        if (lastDelivered == null) {
            return 0;
        }
        StreamEntryID bound = new StreamEntryID(lastDelivered.getTime(), lastDelivered.getSequence() + 1);
        StreamEntryID oldestPending = redis.xpending(stream, group).getMinId();
        if (oldestPending != null && oldestPending.compareTo(bound) < 0) {
            bound = oldestPending;
        }
        return redis.xtrim(stream, XTrimParams.xTrimParams().minId(bound.toString()));
    }

    /** Items in the stream (acknowledged or not). */
    public long length() {
        return redis.xlen(stream);
    }
}
