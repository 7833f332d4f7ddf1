using System.Collections.Concurrent;

namespace DistKit.Cli.Bench;

/// <summary>One scheduler under measurement (DistKit or the peer): schedules job number i due at a time, and reports each start to the log.</summary>
internal abstract class JobContender : IAsyncDisposable
{
    protected JobContender(string library) => Library = library;

    public string Library { get; }

    public FireLog Fired { get; } = new();

    public abstract Task StartAsync(CancellationToken cancellationToken);

    public abstract Task ScheduleAsync(int index, DateTimeOffset due, CancellationToken cancellationToken);

    /// <summary>Removes every job scheduled so far that has not fired (the scheduling phase's, due far out).</summary>
    public abstract Task ForgetAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>Every start of a benchmark job: which one, when it was due, when its handler began.</summary>
internal sealed class FireLog
{
    private readonly ConcurrentQueue<(int Index, DateTimeOffset Due, DateTimeOffset Started)> _starts = new();
    private readonly ConcurrentDictionary<int, byte> _distinct = new();

    public int Distinct => _distinct.Count;

    public int Total => _starts.Count;

    public void Record(int index, DateTimeOffset due, DateTimeOffset started)
    {
        _starts.Enqueue((index, due, started));
        _distinct.TryAdd(index, 0);
    }

    public IReadOnlyList<(int Index, DateTimeOffset Due, DateTimeOffset Started)> Between(int from, int to) =>
        [.. _starts.Where(s => s.Index >= from && s.Index < to)];
}
