namespace DistKit.Ids.Internal;

/// <summary>Moves a generator's persisted time mark ahead of the ids it issues, one reach at a time.</summary>
internal sealed class TimeMarkKeeper(ITimeMarkStore store, IdLayout layout, TimeSpan reach)
{
    private readonly long _reachTicks = Math.Max(1, reach.Ticks / layout.TimeUnit.Ticks);

    /// <summary>The last tick the previous run may have issued in (from the mark, rounded up), or -1.</summary>
    public long LastTickOfPreviousRun()
    {
        if (store.Load() is not { } mark)
        {
            return -1;
        }

        // The mark is an exclusive bound in time; round up so no tick the previous run used is reused.
        var sinceEpoch = mark.UtcTicks - layout.Epoch.UtcTicks;
        var firstFreeTick = sinceEpoch <= 0 ? 0 : (sinceEpoch + layout.TimeUnit.Ticks - 1) / layout.TimeUnit.Ticks;
        return firstFreeTick - 1;
    }

    /// <summary>Persists a mark covering ticks through <paramref name="neededTick"/> plus the reach; returns the last covered tick.</summary>
    public long Advance(long neededTick)
    {
        var through = neededTick + _reachTicks;
        store.Save(TimeOf(through + 1));
        GeneratorCounters.TimeMarkWrites.Add(1);
        return through;
    }

    /// <summary>Persists the mark right after <paramref name="lastIssuedTick"/> on a clean shutdown.</summary>
    public void Close(long lastIssuedTick) => store.Save(TimeOf(Math.Max(lastIssuedTick, -1) + 1));

    private DateTimeOffset TimeOf(long tick) => layout.Epoch + TimeSpan.FromTicks(tick * layout.TimeUnit.Ticks);
}
