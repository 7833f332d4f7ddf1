using System.Collections.Concurrent;

namespace DistKit.Ids.Segments;

/// <summary>
/// Dense, increasing ids per business key (order numbers, invoice numbers), handed out from blocks
/// reserved in a store — Meituan Leaf's segment mode. Two blocks per key: while one is used, the
/// next is fetched in the background once <see cref="SegmentOptions.RefillAt"/> of it is left, so
/// callers do not wait on the store in steady state. Block sizes follow the consumption rate.
/// </summary>
/// <remarks>
/// Ids are dense within a process's blocks; ids of a block not used up before the process stops
/// are skipped (a gap), never reissued. Several processes sharing one store interleave blocks.
/// </remarks>
public sealed class SegmentIdAllocator(ISegmentStore store, SegmentOptions? options = null) : IAsyncDisposable
{
    private readonly SegmentOptions _options = (options ?? SegmentOptions.Default).Validate();
    private readonly ConcurrentDictionary<string, KeyState> _keys = new(StringComparer.Ordinal);

    /// <summary>The size the next block of <paramref name="key"/> will have (for monitoring and tests).</summary>
    public long NextBlockSize(string key) => _keys.TryGetValue(key, out var state) ? state.NextSize : _options.InitialBlockSize;

    /// <summary>How many times callers had to wait for the store (the first block of each key included).</summary>
    public long Waits => _keys.Values.Sum(k => Interlocked.Read(ref k.Waits));

    /// <summary>The block fetch in flight for <paramref name="key"/>, if any; lets tests wait for a refill instead of for time.</summary>
    internal Task? PendingFetch(string key)
    {
        if (!_keys.TryGetValue(key, out var state))
        {
            return null;
        }

        lock (state)
        {
            return state.Pending;
        }
    }

    /// <summary>Takes the next id of <paramref name="key"/>.</summary>
    public async ValueTask<long> NextAsync(string key, CancellationToken cancellationToken = default)
    {
        var buffer = new long[1];
        await FillAsync(key, buffer, cancellationToken);
        return buffer[0];
    }

    /// <summary>Fills <paramref name="destination"/> with the next ids of <paramref name="key"/>, in increasing order.</summary>
    public async ValueTask FillAsync(string key, Memory<long> destination, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var state = _keys.GetOrAdd(key, k => new KeyState(k, _options.InitialBlockSize));
        var filled = 0;
        while (filled < destination.Length)
        {
            Task? wait = null;
            lock (state)
            {
                if (state.Next < state.End)
                {
                    var take = (int)Math.Min(destination.Length - filled, state.End - state.Next);
                    var span = destination.Span.Slice(filled, take);
                    for (var i = 0; i < take; i++)
                    {
                        span[i] = state.Next + i;
                    }

                    state.Next += take;
                    filled += take;
                    MaybeStartRefill(state);
                    continue;
                }

                if (state.Pending is { IsCompletedSuccessfully: true } ready)
                {
                    SwitchTo(state, ready.Result);
                    continue;
                }

                state.Pending ??= FetchAsync(state);
                wait = state.Pending;
                Interlocked.Increment(ref state.Waits);
            }

            try
            {
                await wait.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                lock (state)
                {
                    // Let the next caller try the store again instead of rethrowing a stale failure forever.
                    if (ReferenceEquals(state.Pending, wait))
                    {
                        state.Pending = null;
                    }
                }

                throw;
            }
        }
    }

    private void MaybeStartRefill(KeyState state)
    {
        if (state.Pending is null && state.End - state.Next <= (long)Math.Ceiling(state.CurrentSize * _options.RefillAt))
        {
            state.Pending = FetchAsync(state);
        }
    }

    private void SwitchTo(KeyState state, IdBlock block)
    {
        // Adapt: a block that went fast means the next should be bigger, one that lingered, smaller.
        var now = _options.TimeProvider.GetTimestamp();
        if (state.CurrentSize > 0)
        {
            var lasted = _options.TimeProvider.GetElapsedTime(state.StartedAt, now);
            if (lasted < _options.TargetBlockDuration / 2)
            {
                state.NextSize = Math.Min(_options.MaxBlockSize, state.NextSize * 2);
            }
            else if (lasted > _options.TargetBlockDuration * 2)
            {
                state.NextSize = Math.Max(_options.MinBlockSize, state.NextSize / 2);
            }
        }

        state.Next = block.Start;
        state.End = block.End;
        state.CurrentSize = block.Size;
        state.StartedAt = now;
        state.Pending = null;
        MaybeStartRefill(state);
    }

    private async Task<IdBlock> FetchAsync(KeyState state)
    {
        long size;
        lock (state)
        {
            size = state.NextSize;
        }

        // Off the caller's stack: the store call must not run inside the lock that scheduled it.
        await Task.Yield();
        return await store.AllocateAsync(state.Key, size, CancellationToken.None);
    }

    /// <summary>Waits for block fetches still in flight, so nothing touches the store afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var state in _keys.Values)
        {
            Task? pending;
            lock (state)
            {
                pending = state.Pending;
            }

            if (pending is not null)
            {
                try
                {
                    await pending;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A failed prefetch has nobody left to report to.
                }
            }
        }
    }

    private sealed class KeyState(string key, long initialSize)
    {
        public string Key { get; } = key;

        public long Next;
        public long End;
        public long CurrentSize;
        public long NextSize = initialSize;
        public long StartedAt;
        public long Waits;
        public Task<IdBlock>? Pending;
    }
}
