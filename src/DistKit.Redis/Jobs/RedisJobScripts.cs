using DistKit.Redis.Internal;

namespace DistKit.Redis.Jobs;

/// <summary>
/// The Lua of the Redis job store. Each script is one atomic step, so the firing rules (claim only
/// under the shard's fence, complete only the current claim) hold however many nodes call at once.
/// </summary>
/// <remarks>
/// Every script takes the key prefix as <c>ARGV[1]</c> and a key under it as <c>KEYS[1]</c> (for
/// routing). Keys: <c>job:{id}</c> (a hash of the job's fields), <c>due:{shard}</c> (waiting jobs by
/// due time), <c>run:{shard}</c> (running jobs by the end of their run), <c>fence</c> (shard →
/// fence), <c>key:{k}</c> and <c>idem:{k}</c> (business and idempotency keys → id),
/// <c>state:{n}</c> and <c>all</c> (jobs by due time, for listing), <c>nodes</c> (node → expiry).
/// Nullable values travel (both ways) with a leading <c>=</c> and null as an empty string, so an
/// empty payload stays an empty payload and no reply carries a Lua boolean.
/// </remarks>
internal static class RedisJobScripts
{
    // The fields in the order RedisJobFields reads them (JobColumns' order).
    private const string Common = """
        local P = ARGV[1]
        local FIELDS = {'id','shard','state','due','cron','target_kind','target','data','key','idempotency_key','attempt',
          'attempts','retry_initial_ms','retry_max_ms','timeout_ms','misfire','created','updated','last_error'}
        local NULLABLE = {[5] = true, [8] = true, [9] = true, [10] = true, [19] = true}
        -- A job as its fields in order, nullable ones as '=value' or '' (a reply never carries a
        -- Lua false, which RESP3 would send as a boolean); {} when there is no such job.
        local function read(id)
          local v = redis.call('HMGET', P..'job:'..id, unpack(FIELDS))
          if not v[1] then return {} end
          for i = 1, 19 do
            if NULLABLE[i] then
              if v[i] then v[i] = '=' .. v[i] else v[i] = '' end
            end
          end
          return v
        end
        local function opt(s)
          if s == '' then return nil end
          return string.sub(s, 2)
        end
        local function active(state) return state == 0 or state == 1 or state == 3 end
        -- Keeps the indexes in step with a job's state and due time.
        local function index(id, shard, from, to, due)
          if from then redis.call('ZREM', P..'state:'..from, id) end
          redis.call('ZADD', P..'state:'..to, due, id)
          redis.call('ZADD', P..'all', due, id)
          if to == 0 or to == 3 then redis.call('ZADD', P..'due:'..shard, due, id) else redis.call('ZREM', P..'due:'..shard, id) end
          if to ~= 1 then redis.call('ZREM', P..'run:'..shard, id) end
        end
        -- A business key names an unfinished job only.
        local function unkey(id, key)
          if key and redis.call('GET', P..'key:'..key) == id then redis.call('DEL', P..'key:'..key) end
        end
        local function set_or_clear(h, field, value)
          if value then redis.call('HSET', h, field, value) else redis.call('HDEL', h, field) end
        end
        """;

    /// <summary>ARGV: prefix, notify (0|1), channel, then the job's 19 fields. Returns {outcome (0 created, 1 replaced, 2 existing), job}.</summary>
    public static readonly RedisScript Schedule = new(Common + """

        local notify, channel = ARGV[2] == '1', ARGV[3]
        local v = {}
        for i = 1, 19 do v[i] = ARGV[i + 3] end
        local id, shard, due = v[1], v[2], tonumber(v[4])
        local cron, data, key, ikey, err = opt(v[5]), opt(v[8]), opt(v[9]), opt(v[10]), opt(v[19])
        -- JobNotice's form: shard:id:due:version.
        local function announce(job_id, job_shard)
          if notify then redis.call('PUBLISH', channel, job_shard..':'..job_id..':'..v[4]..':'..v[18]) end
        end
        if ikey then
          local existing = redis.call('GET', P..'idem:'..ikey)
          if existing then
            local job = read(existing)
            if #job > 0 then return {2, job} end
            redis.call('DEL', P..'idem:'..ikey) -- its job is gone (evicted, removed)
          end
        end
        if key then
          local kid = redis.call('GET', P..'key:'..key)
          if kid then
            local h = P..'job:'..kid
            local old = redis.call('HMGET', h, 'state', 'shard', 'idempotency_key')
            local state = tonumber(old[1])
            if state and active(state) then
              -- Replaced: the job keeps its id, shard and creation time.
              redis.call('HSET', h, 'state', 0, 'due', v[4], 'target_kind', v[6], 'target', v[7], 'attempt', 0, 'attempts', v[12],
                'retry_initial_ms', v[13], 'retry_max_ms', v[14], 'timeout_ms', v[15], 'misfire', v[16], 'updated', v[18])
              set_or_clear(h, 'cron', cron)
              set_or_clear(h, 'data', data)
              if ikey then
                if old[3] then redis.call('DEL', P..'idem:'..old[3]) end
                redis.call('HSET', h, 'idempotency_key', ikey)
                redis.call('SET', P..'idem:'..ikey, kid)
              end
              redis.call('HDEL', h, 'last_error', 'claim_fence', 'run_until')
              index(kid, old[2], state, 0, due)
              announce(kid, old[2])
              return {1, read(kid)}
            end
          end
        end
        local h = P..'job:'..id
        local fields = {}
        for i = 1, 19 do
          local value = v[i]
          if i == 5 or i == 8 or i == 9 or i == 10 or i == 19 then value = opt(value) end
          if value then
            table.insert(fields, FIELDS[i])
            table.insert(fields, value)
          end
        end
        redis.call('HSET', h, unpack(fields))
        if key then redis.call('SET', P..'key:'..key, id) end
        if ikey then redis.call('SET', P..'idem:'..ikey, id) end
        index(id, shard, nil, tonumber(v[3]), due)
        announce(id, shard)
        return {0, read(id)}
        """);

    /// <summary>ARGV: prefix, id. Returns the job, or {}.</summary>
    public static readonly RedisScript Get = new(Common + """

        return read(ARGV[2])
        """);

    /// <summary>ARGV: prefix, now, id. Returns the job as it now is, or {}.</summary>
    public static readonly RedisScript Cancel = new(Common + CancelBody + """

        return cancel(ARGV[3])
        """);

    /// <summary>ARGV: prefix, now, business key. Returns the cancelled job, or {}.</summary>
    public static readonly RedisScript CancelByKey = new(Common + CancelBody + """

        local id = redis.call('GET', P..'key:'..ARGV[3])
        if not id then return {} end
        local state = tonumber(redis.call('HGET', P..'job:'..id, 'state'))
        if not state or not active(state) then return {} end
        return cancel(id)
        """);

    private const string CancelBody = """

        local function cancel(id)
          local h = P..'job:'..id
          local j = redis.call('HMGET', h, 'state', 'shard', 'due', 'key')
          local state = tonumber(j[1])
          if state and active(state) then
            redis.call('HSET', h, 'state', 5, 'updated', ARGV[2])
            redis.call('HDEL', h, 'claim_fence', 'run_until')
            index(id, j[2], state, 5, tonumber(j[3]))
            unkey(id, j[4])
          end
          return read(id)
        end
        """;

    /// <summary>ARGV: prefix, state (empty for all), limit. Returns the jobs, soonest due first, then by id.</summary>
    public static readonly RedisScript List = new(Common + """

        local set = P..'all'
        if ARGV[2] ~= '' then set = P..'state:'..ARGV[2] end
        local jobs = {}
        for _, id in ipairs(redis.call('ZRANGE', set, 0, tonumber(ARGV[3]) - 1)) do
          local job = read(id)
          if #job > 0 then table.insert(jobs, job) end
        end
        return jobs
        """);

    /// <summary>ARGV: prefix, node, ttl ms. Returns the number of live nodes.</summary>
    public static readonly RedisScript Heartbeat = new(Common + """

        -- The server's clock, so nodes whose clocks disagree still agree on who is alive.
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZADD', P..'nodes', now + tonumber(ARGV[3]), ARGV[2])
        redis.call('ZREMRANGEBYSCORE', P..'nodes', '-inf', '(' .. now)
        return redis.call('ZCARD', P..'nodes')
        """);

    /// <summary>ARGV: prefix, shard, fence. Returns the fence in force.</summary>
    public static readonly RedisScript OpenShard = new(Common + """

        local current = tonumber(redis.call('HGET', P..'fence', ARGV[2]))
        local fence = tonumber(ARGV[3])
        if current and current >= fence then return current end
        redis.call('HSET', P..'fence', ARGV[2], ARGV[3])
        return fence
        """);

    /// <summary>ARGV: prefix, ids…. Returns {id, shard, due, updated} for each job still waiting.</summary>
    public static readonly RedisScript Waiting = new(Common + """

        local out = {}
        for i = 2, #ARGV do
          local j = redis.call('HMGET', P..'job:'..ARGV[i], 'state', 'shard', 'due', 'updated')
          local state = tonumber(j[1])
          if state == 0 or state == 3 then table.insert(out, {ARGV[i], j[2], j[3], j[4]}) end
        end
        return out
        """);

    /// <summary>
    /// ARGV: prefix, until, now, limit, shards…. Returns {id, shard, fire at, updated} for the soonest
    /// waiting jobs due before until (at most limit of them; jobs tied at the last time may be cut)
    /// and the deliveries an earlier owner left running.
    /// </summary>
    /// <remarks>
    /// A merge over the shards' sorted sets that reads about as many entries as it returns: each
    /// shard is read a chunk at a time (doubling), and the cutoff — the lowest last-read time among
    /// shards with more to read — only rises; below it every shard has been read whole. It stops
    /// once the limit is reached below the cutoff, so a backlog of millions costs one page of them.
    /// </remarks>
    public static readonly RedisScript LoadDue = new(Common + """

        local till, now, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
        local candidates, open, fenced, out = {}, {}, {}, {}
        -- Reads the next chunk of a shard's waiting jobs, from (after) its last-read time and ties.
        local function read_on(shard, o)
          local got = redis.call('ZRANGEBYSCORE', P..'due:'..shard, o.last, '(' .. till, 'WITHSCORES', 'LIMIT', o.ties, o.chunk)
          for k = 1, #got, 2 do
            local score = tonumber(got[k + 1])
            table.insert(candidates, {got[k], shard, score})
            if score == o.last then o.ties = o.ties + 1 else o.last, o.ties = score, 1 end
          end
          if #got / 2 < o.chunk then open[shard] = nil else o.chunk = math.min(limit, o.chunk * 2) end
        end
        for i = 5, #ARGV do
          local shard = ARGV[i]
          local fence = tonumber(redis.call('HGET', P..'fence', shard))
          if fence then
            table.insert(fenced, shard)
            local o = {last = '-inf', ties = 0, chunk = math.min(limit, 128)}
            open[shard] = o
            read_on(shard, o)
            for _, id in ipairs(redis.call('ZRANGE', P..'run:'..shard, 0, -1)) do
              local j = redis.call('HMGET', P..'job:'..id, 'claim_fence', 'run_until', 'updated')
              if not j[3] then
                redis.call('ZREM', P..'run:'..shard, id) -- an index entry whose job is gone
              elseif tonumber(j[1]) < fence then
                table.insert(out, {id, shard, now, j[3]})
              elseif tonumber(j[2]) < tonumber(till) then
                table.insert(out, {id, shard, tostring(tonumber(j[2]) + 1), j[3]})
              end
            end
          end
        end
        local cutoff
        while true do
          cutoff = nil
          for _, o in pairs(open) do
            if not cutoff or o.last < cutoff then cutoff = o.last end
          end
          if not cutoff then break end
          local below = 0
          for _, shard in ipairs(fenced) do
            below = below + redis.call('ZCOUNT', P..'due:'..shard, '-inf', cutoff)
          end
          if below >= limit then break end
          for shard, o in pairs(open) do
            if o.last == cutoff then read_on(shard, o) end
          end
        end
        local kept = {}
        for _, c in ipairs(candidates) do
          if not cutoff or c[3] <= cutoff then table.insert(kept, c) end
        end
        -- Below the cutoff every shard was read whole; jobs tied at it may not have been, and a
        -- short page would read as "nothing more": read ties until the page is full.
        for shard, o in pairs(open) do
          if #kept >= limit then break end
          if o.last == cutoff then
            local got = redis.call('ZRANGEBYSCORE', P..'due:'..shard, cutoff, cutoff, 'LIMIT', o.ties, limit - #kept)
            for _, id in ipairs(got) do table.insert(kept, {id, shard, cutoff}) end
          end
        end
        if #kept > limit then
          table.sort(kept, function(a, b) if a[3] ~= b[3] then return a[3] < b[3] end return a[1] < b[1] end)
        end
        for k = 1, math.min(#kept, limit) do
          local c = kept[k]
          local updated = redis.call('HGET', P..'job:'..c[1], 'updated')
          if updated then
            table.insert(out, {c[1], c[2], tostring(c[3]), updated})
          else
            redis.call('ZREM', P..'due:'..c[2], c[1]) -- an index entry whose job is gone
          end
        end
        return out
        """);

    /// <summary>ARGV: prefix, now, grace ms, then id, shard, fence for each claim. Returns the claimed jobs.</summary>
    public static readonly RedisScript Claim = new(Common + """

        local now, grace = tonumber(ARGV[2]), tonumber(ARGV[3])
        local claimed = {}
        for i = 4, #ARGV, 3 do
          local id, shard, fence = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
          if tonumber(redis.call('HGET', P..'fence', shard)) == fence then
            local h = P..'job:'..id
            local j = redis.call('HMGET', h, 'state', 'shard', 'due', 'claim_fence', 'run_until', 'timeout_ms', 'attempt')
            local state = tonumber(j[1])
            if state and j[2] == shard
              and (((state == 0 or state == 3) and tonumber(j[3]) <= now)
                or (state == 1 and (tonumber(j[4]) < fence or tonumber(j[5]) < now))) then
              local run_until = now + 2 * tonumber(j[6]) + grace
              redis.call('HSET', h, 'state', 1, 'attempt', tonumber(j[7]) + 1, 'claim_fence', ARGV[i + 2], 'run_until', run_until, 'updated', now)
              index(id, shard, state, 1, tonumber(j[3]))
              redis.call('ZADD', P..'run:'..shard, run_until, id)
              table.insert(claimed, read(id))
            end
          end
        end
        return claimed
        """);

    /// <summary>
    /// ARGV: prefix, then id, shard, fence, attempt, state after, next due (or empty), reset attempt
    /// (0|1), error (nullable), now for each completion. Returns 1 or 0 for each: whether it landed.
    /// </summary>
    public static readonly RedisScript Complete = new(Common + """

        local landed = {}
        for i = 2, #ARGV, 9 do
          local id, shard, fence, attempt = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
          local to, next_due, reset, err, now = tonumber(ARGV[i + 4]), ARGV[i + 5], ARGV[i + 6] == '1', opt(ARGV[i + 7]), ARGV[i + 8]
          local h = P..'job:'..id
          local j = redis.call('HMGET', h, 'state', 'attempt', 'claim_fence', 'due', 'key', 'shard')
          if j[1] == '1' and j[2] == attempt and j[3] == fence and j[6] == shard and redis.call('HGET', P..'fence', shard) == fence then
            local due = j[4]
            if next_due ~= '' then due = next_due end
            redis.call('HSET', h, 'state', to, 'due', due, 'updated', now)
            if reset then redis.call('HSET', h, 'attempt', 0) end
            set_or_clear(h, 'last_error', err)
            redis.call('HDEL', h, 'claim_fence', 'run_until')
            index(id, shard, 1, to, tonumber(due))
            if not active(to) then unkey(id, j[5]) end
            table.insert(landed, 1)
          else
            table.insert(landed, 0)
          end
        end
        return landed
        """);
}
