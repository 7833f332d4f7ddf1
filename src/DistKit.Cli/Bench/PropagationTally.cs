using System.Collections.Concurrent;

namespace DistKit.Cli.Bench;

/// <summary>
/// For each release (or put) the bench makes: when it was sent, when each watcher received it, and
/// a signal once every watcher has. Watchers call <see cref="Received"/> from their own threads.
/// </summary>
internal sealed class PropagationTally(int watchers)
{
    private readonly ConcurrentDictionary<long, Release> _releases = new();
    private readonly ConcurrentQueue<double> _receipts = new();

    public IReadOnlyCollection<double> ReceiptMs => _receipts;

    /// <summary>Starts timing the release that will have <paramref name="revision"/>, sent at <paramref name="sent"/>.</summary>
    public Task ExpectAsync(long revision, long sent) => _releases.GetOrAdd(revision, _ => new Release(watchers)).Start(sent);

    public void Received(int watcher, long revision, long at)
    {
        if (_releases.GetOrAdd(revision, _ => new Release(watchers)).Receive(watcher, at) is { } latency)
        {
            _receipts.Enqueue(latency);
        }
    }

    /// <summary>From sending the release to its last receipt, in ms; null while a watcher has not received it.</summary>
    public double? AllReceivedMs(long revision) => _releases.TryGetValue(revision, out var release) ? release.AllReceivedMs : null;

    /// <summary>Receipts still missing for <paramref name="revision"/>.</summary>
    public int Missing(long revision) => _releases.TryGetValue(revision, out var release) ? release.Remaining : watchers;

    private sealed class Release(int watchers)
    {
        private readonly Lock _gate = new();
        private readonly bool[] _seen = new bool[watchers];
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _sent = -1;
        private long _last;
        private int _remaining = watchers;
        private readonly List<(int Watcher, long At)> _early = [];

        public int Remaining => Volatile.Read(ref _remaining);

        public double? AllReceivedMs => Remaining == 0 ? TimeProvider.System.GetElapsedTime(_sent, _last).TotalMilliseconds : null;

        public Task Start(long sent)
        {
            List<(int, long)> early;
            lock (_gate)
            {
                _sent = sent;
                early = [.. _early];
                _early.Clear();
            }

            foreach (var (watcher, at) in early)
            {
                Receive(watcher, at);
            }

            return _all.Task;
        }

        // A receipt can beat the writer's bookkeeping (the node answers the PUT after it fans out):
        // it is held until the send time is known.
        public double? Receive(int watcher, long at)
        {
            lock (_gate)
            {
                if (_sent < 0)
                {
                    _early.Add((watcher, at));
                    return null;
                }

                if (_seen[watcher])
                {
                    return null;
                }

                _seen[watcher] = true;
                _last = Math.Max(_last, at);
                if (--_remaining == 0)
                {
                    _all.TrySetResult();
                }

                return TimeProvider.System.GetElapsedTime(_sent, at).TotalMilliseconds;
            }
        }
    }
}
