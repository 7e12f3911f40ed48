package dev.lucid.evaluation;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;

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
    /** A delivered item: its stream id and fields. */
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

    /** Items pending longer than {@code minIdleMillis} with any consumer, taken over by this one. */
    public List<Delivery> reclaim(String consumer, long minIdleMillis, int count) {
        Map.Entry<StreamEntryID, List<StreamEntry>> r = withGroup(() -> redis.xautoclaim(stream, group, consumer, minIdleMillis,
                new StreamEntryID(0, 0), XAutoClaimParams.xAutoClaimParams().count(count)));
        List<Delivery> out = new ArrayList<>();
        for (StreamEntry s : r.getValue()) {
            if (s != null && s.getFields() != null) {
                out.add(new Delivery(s.getID(), s.getFields(), 2));
            }
        }
        return out;
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

    /** Items in the stream (acknowledged or not). */
    public long length() {
        return redis.xlen(stream);
    }
}
