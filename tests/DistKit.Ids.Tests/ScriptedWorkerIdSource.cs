using System.Threading.Channels;
using DistKit.Core;
using DistKit.Ids.Workers;

namespace DistKit.Ids.Tests;

/// <summary>
/// A worker id source whose answers the test queues one by one: an id (with a loss the test
/// triggers) or a failure. An acquisition with nothing queued waits, so a test can hold the source
/// "down" for as long as it needs and see what callers get meanwhile.
/// </summary>
internal sealed class ScriptedWorkerIdSource : IWorkerIdSource
{
    private readonly Channel<Func<WorkerIdLease>> _answers = Channel.CreateUnbounded<Func<WorkerIdLease>>();
    private int _asked;
    private int _released;

    /// <summary>How many acquisitions have started.</summary>
    public int Asked => Volatile.Read(ref _asked);

    /// <summary>How many handed-out ids were given back.</summary>
    public int Released => Volatile.Read(ref _released);

    /// <summary>Queues an id; cancel the returned source to make the id lost.</summary>
    public CancellationTokenSource Give(long workerId)
    {
        var lost = new CancellationTokenSource();
        _answers.Writer.TryWrite(() => new WorkerIdLease(workerId, () => { Interlocked.Increment(ref _released); return ValueTask.CompletedTask; }, lost: lost.Token));
        return lost;
    }

    /// <summary>Queues a failure, as an engine that is down gives.</summary>
    public void Fail() => _answers.Writer.TryWrite(() => throw new EngineUnavailableException("test-engine", new IOException("connection refused")));

    public async ValueTask<WorkerIdLease> AcquireAsync(long maxId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _asked);
        var answer = await _answers.Reader.ReadAsync(cancellationToken);
        return answer();
    }
}
