package dev.cachesync.cache.store;

/** The Lua scripts of the read, fill and purge protocol (DESIGN "The purge and the fill", docs/protocol.md). */
final class RedisScripts {

    private RedisScripts() {
    }

    /**
     * The whole Redis read of a hit, one round trip: the entry, and the check that it may be served (DESIGN Fill
     * step 4 on the read side): the fences of its key, of the pruned floor and of each of its tags, and whether
     * it is in every one of its tags' sets (an entry missing from a set would not be found by the next purge of
     * that tag). The tags are parsed from the entry's own encoding ({@link EntryCodec} version 1: the script
     * walks it the way {@code EntryCodec.read} does, skipping headers and body by their lengths), so the layout
     * needs nothing beside the entry. KEYS[1] entries hash, KEYS[2] fences; ARGV[1] entry key, ARGV[2] the
     * tag-set name prefix, ARGV[3] the key's fence field, ARGV[4] the pruned-floor field.
     * Returns {0} when there is no entry; {1, entry} when the script cannot read the entry's tags (another
     * format version, or corrupt): never to be served; {2, entry, sets missing the key, key fence, floor, then
     * tag, fence for each tag} otherwise (a fence never raised is nil).
     */
    static final String READ_ENTRY = """
            local value = redis.call('hget', KEYS[1], ARGV[1])
            if not value then return {0} end
            local tags = {}
            local function parse()
              if string.byte(value, 1) ~= 1 then error('version') end
              local pos = 2
              local function int()
                local a, b, c, d = string.byte(value, pos, pos + 3)
                pos = pos + 4
                local n = ((a * 256 + b) * 256 + c) * 256 + d
                if n >= 2147483648 then error('negative') end
                return n
              end
              local function skip() local n = int(); pos = pos + n end
              local seen = {}
              for v = 1, int() do
                pos = pos + 4
                for h = 1, int() do
                  skip()
                  for x = 1, int() do skip() end
                end
                skip()
                pos = pos + 16
                for x = 1, int() do skip(); skip() end
                for t = 1, int() do
                  local n = int()
                  local tag = string.sub(value, pos, pos + n - 1)
                  pos = pos + n
                  if not seen[tag] then seen[tag] = true; tags[#tags + 1] = tag end
                end
                pos = pos + 8
              end
              if pos - 1 ~= #value then error('length') end
            end
            if not pcall(parse) then return {1, value} end
            local missing = 0
            for i = 1, #tags do
              if redis.call('sismember', ARGV[2] .. tags[i], ARGV[1]) == 0 then missing = missing + 1 end
            end
            local result = {2, value, missing, redis.call('hget', KEYS[2], ARGV[3]),
              redis.call('hget', KEYS[2], ARGV[4])}
            for i = 1, #tags do
              result[#result + 1] = tags[i]
              result[#result + 1] = redis.call('hget', KEYS[2], tags[i])
            end
            return result
            """;

    /**
     * Fill steps 3 and 4 in one atomic step: check every variant's fences (its tags', its key's and the pruned
     * floor) against the variant's fill sequence; if a purge newer than the fill touched one, store nothing and
     * return 0. Otherwise index the key under its tags and in the expiry index, write the entry and, if it replaced
     * one, publish the near-cache invalidation (Redisson's format, {@link Invalidations}), and return 1. A new
     * entry needs no message: a near cache can only hold a copy of an entry that existed, and every removal of one
     * published its own message (so no reader that just read the new entry loses it to a needless message). Atomic, so an entry never
     * exists outside its tag sets nor after a purge that fenced it, and nothing needs undoing when it is refused.
     * A script stops at its first error without undoing what it did, so every write that can fail (a tag set of
     * the wrong type) comes before the entry is written. With a fill lock (KEYS[4], ARGV[8] its token non-empty),
     * the script also ends the fill as {@link #LOCK_RELEASE} does, with the marker {@code ended:stored} or
     * {@code ended:fenced}, if the token still holds the lock: the release rides on the fill's round trip. When
     * another instance waits for that lock (KEYS[7], the waiters flag {@link #LOCK_ACQUIRE} sets), the script
     * takes the flag and publishes the key's invalidation whatever the outcome, so the waiters look at once
     * instead of at their next poll (a new entry otherwise needs no message).
     * Before the fences, the data-loss check: every variant's fill sequence must lie between the epoch and the
     * sequence now ({@link #ENSURE_EPOCH}); if the epoch is missing or newer (Redis restarted empty, or
     * replaced its data, since the fill read its sequence: the fences that would refuse it may be gone) or the
     * sequence went back (restored from an older snapshot, failed over to a replica that missed writes), store
     * nothing and return 2.
     * KEYS[1] entries hash, KEYS[2] fences, KEYS[3] expiry index, KEYS[4] fill lock, KEYS[5] epoch, KEYS[6]
     * sequence, KEYS[7] fill-lock waiters flag; ARGV[1] entry key, ARGV[2]
     * retain-until (ms), ARGV[3] the encoded entry, ARGV[4] invalidation channel, ARGV[5] invalidation message,
     * ARGV[6] tag-set name prefix, ARGV[7] the variant count n, ARGV[8] lock token (empty: no lock), ARGV[9]
     * how long the end marker stays (ms); then per variant its fill sequence, a count m and its m fence fields;
     * then the tags to index the key under. Returns 1 stored, 0 fenced, 2 refused after a data loss.
     */
    static final String FILL = """
            local function finish(outcome)
              if ARGV[8] ~= '' and redis.call('get', KEYS[4]) == ARGV[8] then
                redis.call('set', KEYS[4], 'ended:' .. outcome, 'PX', ARGV[9])
                if redis.call('del', KEYS[7]) == 1 then return true end
              end
              return false
            end
            local function announce() redis.call('publish', ARGV[4], ARGV[5]) end
            local epoch = tonumber(redis.call('get', KEYS[5]) or '-1')
            local current = tonumber(redis.call('get', KEYS[6]) or '0')
            local at = 10
            for v = 1, tonumber(ARGV[7]) do
              local sequence = tonumber(ARGV[at])
              local count = tonumber(ARGV[at + 1])
              if epoch < 0 or sequence < epoch or sequence > current then
                if finish('fenced') then announce() end
                return 2
              end
              at = at + 2
              for i = at, at + count - 1 do
                if tonumber(redis.call('hget', KEYS[2], ARGV[i]) or '0') > sequence then
                  if finish('fenced') then announce() end
                  return 0
                end
              end
              at = at + count
            end
            for i = at, #ARGV do redis.call('sadd', ARGV[6] .. ARGV[i], ARGV[1]) end
            redis.call('zadd', KEYS[3], ARGV[2], ARGV[1])
            local replaced = redis.call('hset', KEYS[1], ARGV[1], ARGV[3]) == 0
            if finish('stored') or replaced then announce() end
            return 1
            """;

    /**
     * Purge step 3 for one chunk of keys: delete the entries and publish one near-cache invalidation for all of
     * them (Redisson's format, {@link Invalidations}), atomically. KEYS[1] entries hash; ARGV[1] channel,
     * ARGV[2] message, ARGV[3..] entry keys. Returns how many entries existed.
     */
    static final String REMOVE_ENTRIES = """
            local removed = 0
            for i = 3, #ARGV do removed = removed + redis.call('hdel', KEYS[1], ARGV[i]) end
            redis.call('publish', ARGV[1], ARGV[2])
            return removed
            """;

    /**
     * Fill step 1's Lua function {@code fillSequence(sequence key, epoch key)}: the purge sequence, after making
     * sure the data epoch exists. A missing epoch means this Redis has not seen a fill since its data began (a
     * fresh or emptied server): it is created with the sequence raised to at least Redis TIME (µs), so the
     * sequence never goes below the epoch and every purge from now on is numbered above it. A fill that read its
     * sequence under an older epoch is refused by {@link #FILL}: its fences may have been lost with the data.
     */
    private static final String ENSURE_EPOCH = """
            local function fillSequence(sequenceKey, epochKey)
              if redis.call('exists', epochKey) == 0 then
                local time = redis.call('time')
                local clock = tonumber(time[1]) * 1000000 + tonumber(time[2])
                local seq = tonumber(redis.call('get', sequenceKey) or '0')
                if seq < clock then
                  seq = clock
                  redis.call('set', sequenceKey, string.format('%.0f', seq))
                end
                redis.call('set', epochKey, string.format('%.0f', seq))
              end
              return redis.call('get', sequenceKey)
            end
            """;

    /** Fill step 1 without a lock: the purge sequence ({@link #ENSURE_EPOCH}). KEYS[1] sequence, KEYS[2] epoch. */
    static final String READ_SEQUENCE = ENSURE_EPOCH + """
            return fillSequence(KEYS[1], KEYS[2])
            """;

    /**
     * Takes the fill lock of a key: free when absent or when it holds the end marker of a finished fill
     * ({@code "ended:<outcome>"}). KEYS[1] lock, KEYS[2] purge sequence, KEYS[3] epoch, KEYS[4] the lock's
     * waiters flag; ARGV[1] token, ARGV[2] lease (ms). Returns {1, sequence} when taken (fill step 1 in the same
     * round trip, {@link #ENSURE_EPOCH}), {0, nil} when not; then it also sets the waiters flag (for one lease),
     * so the filler publishes its end ({@link #FILL}, {@link #LOCK_RELEASE}).
     */
    static final String LOCK_ACQUIRE = ENSURE_EPOCH + """
            local current = redis.call('get', KEYS[1])
            if current and string.sub(current, 1, 6) ~= 'ended:' then
              redis.call('set', KEYS[4], '1', 'PX', ARGV[2])
              return {0, false}
            end
            redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return {1, fillSequence(KEYS[2], KEYS[3])}
            """;

    /** Extends the lease of a fill lock this token still holds. KEYS[1] lock; ARGV[1] token, ARGV[2] lease (ms). */
    static final String LOCK_RENEW = """
            if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
            return 0
            """;

    /**
     * Ends a fill: if this token still holds the lock, replace it by the end marker {@code ended:<outcome>} for a
     * short time, so waiters on other instances learn at their next poll that the fill ended and how (stored,
     * fenced, uncacheable, error) instead of waiting for an entry that will not come; when the waiters flag is
     * set, it is taken and the key's invalidation published, so they look at once. KEYS[1] lock, KEYS[2] waiters
     * flag; ARGV[1] token, ARGV[2] outcome, ARGV[3] how long the marker stays (ms), ARGV[4] invalidation channel,
     * ARGV[5] the key's invalidation message.
     */
    static final String LOCK_RELEASE = """
            if redis.call('get', KEYS[1]) == ARGV[1] then
              redis.call('set', KEYS[1], 'ended:' .. ARGV[2], 'PX', ARGV[3])
              if redis.call('del', KEYS[2]) == 1 then redis.call('publish', ARGV[4], ARGV[5]) end
              return 1
            end
            return 0
            """;

    /**
     * Purge step 1, for one chunk of fence fields: take the next sequence (ARGV[1] empty) or reuse the one the
     * first chunk took (ARGV[1]), and raise the fences of ARGV[2..] to it (never lowered). KEYS[1] sequence,
     * KEYS[2] fences. Returns the sequence. A purge larger than one call raises every chunk's fences with the
     * same sequence before it reads a tag set ({@link #TAG_MEMBERS}) or removes anything.
     *
     * <p>The sequence is a hybrid logical clock: max(previous + 1, Redis TIME in microseconds). A plain
     * counter restarts at 1 when Redis loses its data (a restart without persistence, a failover to a
     * replica that missed the last writes, a restored snapshot), and a fill that read sequence 1000 before
     * would then pass the fence check of every purge numbered below 1000: old content stored after an
     * acknowledged purge. Time keeps the sequence above anything read before the loss. Numbers are
     * formatted with %.0f: Lua's tostring would round them (14 significant digits).
     */
    static final String PURGE_BEGIN = """
            local seq = tonumber(ARGV[1])
            if seq == nil then
              local time = redis.call('time')
              local clock = tonumber(time[1]) * 1000000 + tonumber(time[2])
              seq = redis.call('incr', KEYS[1])
              if seq < clock then
                seq = clock
                redis.call('set', KEYS[1], string.format('%.0f', seq))
              end
            end
            local seqText = string.format('%.0f', seq)
            for i = 2, #ARGV do
              local current = tonumber(redis.call('hget', KEYS[2], ARGV[i]) or '0')
              if current < seq then redis.call('hset', KEYS[2], ARGV[i], seqText) end
            end
            return seqText
            """;

    /**
     * Purge step 2, for one chunk of tag sets, after every fence of the purge is raised: each set's members.
     * A fill that indexes a key after this read also reads the raised fences and discards itself.
     * KEYS tag sets. Returns {member count of KEYS[1], members..., member count of KEYS[2], members...}.
     */
    static final String TAG_MEMBERS = """
            local result = {}
            for i = 1, #KEYS do
              local members = redis.call('smembers', KEYS[i])
              table.insert(result, #members)
              for _, member in ipairs(members) do table.insert(result, member) end
            end
            return result
            """;

    /**
     * Index clean-up after entries were removed through Redisson: a key leaves the expiry index and a tag set
     * only if no entry exists under it any more, so a fill that re-stored it meanwhile stays indexed (and
     * therefore purgeable). KEYS[1] entries hash, KEYS[2] expiry index, KEYS[3..] tag sets. ARGV: a count n
     * and n keys for the expiry index, then for each tag set of KEYS[3..] a count and that many keys to take
     * out of it. Returns how many of the expiry keys had no entry. The caller bounds the values per call.
     */
    static final String CLEANUP = """
            local absent = {}
            local function isAbsent(key)
              if absent[key] == nil then absent[key] = redis.call('hexists', KEYS[1], key) == 0 end
              return absent[key]
            end
            local cleaned = 0
            local at = 1
            for k = 2, #KEYS do
              local count = tonumber(ARGV[at])
              for j = at + 1, at + count do
                if isAbsent(ARGV[j]) then
                  if k == 2 then
                    redis.call('zrem', KEYS[2], ARGV[j])
                    cleaned = cleaned + 1
                  else
                    redis.call('srem', KEYS[k], ARGV[j])
                  end
                end
              end
              at = at + count + 1
            end
            return cleaned
            """;

    /**
     * Records, after a purge was acknowledged, the highest input offset it covered, unless Redis lost data: when
     * the recorded offset is below what this writer knows was recorded before (ARGV[3]), Redis was restored from
     * an older snapshot or failed over to a replica that missed writes, and the purges in between may be gone.
     * Then nothing is written and the caller re-applies them first. Written after the purge's own calls, so any
     * snapshot or replica that holds the offset holds the purge (Redis persists and replicates a prefix of its
     * writes). KEYS[1] applied offsets; ARGV[1] field, ARGV[2] offset, ARGV[3] offset expected at least (-1: none).
     * Returns the offset recorded before (-1 when none).
     */
    static final String RECORD_APPLIED = """
            local current = tonumber(redis.call('hget', KEYS[1], ARGV[1]) or '-1')
            if current < tonumber(ARGV[3]) then return current end
            if tonumber(ARGV[2]) > current then redis.call('hset', KEYS[1], ARGV[1], ARGV[2]) end
            return current
            """;

    /**
     * One bounded step of fence pruning: HSCAN from ARGV[1] (cursor) with COUNT ARGV[3], delete the fences
     * whose value is below Redis TIME (µs, the clock of the sequence) minus ARGV[2] (the horizon in µs), and
     * raise the floor field ARGV[4] to the highest value deleted, in the same atomic step, so every fill or
     * read the deleted fences would have refused is refused by the floor instead. KEYS[1] fences.
     * Returns {next cursor ("0" when done), fences deleted}.
     */
    static final String PRUNE_FENCES = """
            local time = redis.call('time')
            local cutoff = tonumber(time[1]) * 1000000 + tonumber(time[2]) - tonumber(ARGV[2])
            local scan = redis.call('hscan', KEYS[1], ARGV[1], 'COUNT', ARGV[3])
            local fields = scan[2]
            local floor = tonumber(redis.call('hget', KEYS[1], ARGV[4]) or '0') or 0
            local raised = floor
            local removed = 0
            for i = 1, #fields, 2 do
              local value = tonumber(fields[i + 1])
              if fields[i] ~= ARGV[4] and value ~= nil and value < cutoff then
                if value > raised then raised = value end
                redis.call('hdel', KEYS[1], fields[i])
                removed = removed + 1
              end
            end
            if raised > floor then redis.call('hset', KEYS[1], ARGV[4], string.format('%.0f', raised)) end
            return {scan[1], removed}
            """;
}
