using DistKit.Configuration.Diagnostics;

namespace DistKit.Configuration.Watching;

/// <summary>
/// Follows the store's releases, in revision order, into a window of recent ones that every watcher
/// of this process reads: one store read per release, whatever the number of watchers. It reads
/// when this process publishes, when the store tells of another's release, and every
/// <see cref="ConfigOptions.Poll"/> in case a notice was lost.
/// </summary>
internal sealed class ReleaseFeed : IAsyncDisposable
{
    private const int Page = 500;
    private readonly IConfigStore _store;
    private readonly ConfigOptions _options;
    private readonly TimeProvider _time;
    private readonly ConfigTelemetry _telemetry;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _wake = NewSignal();
    private ReleaseWindow? _window;
    private Task? _following;
    private Task? _listening;

    public ReleaseFeed(IConfigStore store, ConfigOptions options, TimeProvider time, ConfigTelemetry telemetry)
    {
        _store = store;
        _options = options;
        _time = time;
        _telemetry = telemetry;
    }

    /// <summary>The current window; reading it starts the feed on first use.</summary>
    public async ValueTask<ReleaseWindow> WindowAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _window) is { } window)
        {
            return window;
        }

        var head = await _store.RevisionAsync(cancellationToken);
        lock (_gate)
        {
            if (_window is null)
            {
                _window = new ReleaseWindow(head, head, []);
                _following = Task.Run(FollowAsync, CancellationToken.None);
                _listening = Task.Run(ListenAsync, CancellationToken.None);
            }

            return _window;
        }
    }

    /// <summary>
    /// Takes a release this process just published: appended at once when it is the next revision
    /// (no store read between the publish and its watchers), else the feed reads the store now.
    /// </summary>
    public void Offer(ConfigRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        if (Volatile.Read(ref _window) is { } window && window.Head == release.Revision - 1 && Publish(window, [release]))
        {
            return;
        }

        Wake();
    }

    /// <summary>Asks the feed to read the store now.</summary>
    public void Wake() => Volatile.Read(ref _wake).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task FollowAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                // A fresh signal before reading: a wake during the read means "read again".
                var wake = NewSignal();
                Volatile.Write(ref _wake, wake);
                await CatchUpAsync(token);
                await wake.Task.WaitAsync(_options.Poll, _time, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                // Whatever the store throws (an outage, a file error, a record that does not read),
                // the feed keeps trying: were it to stop, every watcher of this process would wait
                // forever with nothing to say why.
                ConfigLog.FollowFailed(_telemetry.Logger, e.Message);
                try
                {
                    await Task.Delay(_options.Poll, _time, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var window = _window!;
            var releases = await _store.ReleasesAfterAsync(window.Head, null, Page, cancellationToken);
            if (releases.Count == 0)
            {
                return;
            }

            if (Publish(window, releases) && releases.Count < Page)
            {
                return;
            }
        }
    }

    // Under the gate: the window only ever grows by the releases right after its head.
    private bool Publish(ReleaseWindow old, IReadOnlyList<ConfigRelease> added)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_window, old))
            {
                // Another path appended first; the caller reads again from the new head.
                return false;
            }

            Append(old, added);
        }

        old.MarkReplaced();
        return true;
    }

    private void Append(ReleaseWindow old, IReadOnlyList<ConfigRelease> added)
    {
        var all = old.Releases.Concat(added).ToArray();
        var floor = old.Floor;
        if (all.Length > _options.RecentReleases)
        {
            var drop = all.Length - _options.RecentReleases;
            floor = all[drop - 1].Revision;
            all = all[drop..];
        }

        _window = new ReleaseWindow(floor, added[^1].Revision, all);
    }

    private async Task ListenAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                // Each notice, the first (listening) included: what was published before the
                // listen began is read too.
                await foreach (var _ in _store.WatchAsync(token))
                {
                    Wake();
                }

                // The store cannot tell of others' releases (SQLite): the poll is the only way.
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                ConfigLog.NoticesEnded(_telemetry.Logger, e.Message);
                try
                {
                    await Task.Delay(_options.Poll, _time, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var task in new[] { _following, _listening })
        {
            if (task is not null)
            {
                await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        _stop.Dispose();
    }
}
