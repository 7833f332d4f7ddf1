namespace DistKit.Configuration.Watching;

/// <summary>
/// One watcher of a namespace (or of its keys under a prefix): each <see cref="NextAsync"/> returns
/// the releases after the last one it returned, in revision order, each once. Starting without a
/// revision, or too far behind to replay, it returns a snapshot first.
/// </summary>
/// <remarks>Not thread-safe: one reader at a time, as an enumerator.</remarks>
public sealed class ConfigWatch : IAsyncDisposable
{
    private readonly IConfigStore _store;
    private readonly ReleaseFeed _feed;
    private readonly ConfigOptions _options;
    private readonly Action<ConfigWatch>? _ended;
    private readonly TimeProvider _time;
    private readonly Diagnostics.ConfigTelemetry? _telemetry;
    private readonly Lock _gate = new();
    private readonly Queue<(long Revision, DateTimeOffset At)> _delivered = new();
    private readonly Action<ConfigWatch, ConfigRelease>? _sawGray;

    // The gray release this watcher is in, as of Revision: its keys keep the gray's values until
    // it is promoted or abandoned.
    private ConfigRelease? _gray;
    private bool _started;
    private int _disposed;

    internal ConfigWatch(IConfigStore store, ReleaseFeed feed, ConfigOptions options, string ns, string? prefix, long? from, WatcherInfo who, Action<ConfigWatch>? ended,
        TimeProvider? time = null, Diagnostics.ConfigTelemetry? telemetry = null, Action<ConfigWatch, ConfigRelease>? sawGray = null)
    {
        _sawGray = sawGray;
        _time = time ?? TimeProvider.System;
        _telemetry = telemetry;
        _store = store;
        _feed = feed;
        _options = options;
        _ended = ended;
        Namespace = ns;
        Prefix = string.IsNullOrEmpty(prefix) ? null : prefix;
        Revision = from ?? -1;
        Who = who;
    }

    /// <summary>The namespace watched.</summary>
    public string Namespace { get; }

    /// <summary>The key prefix watched, or null for every key.</summary>
    public string? Prefix { get; }

    /// <summary>Who watches (as the watcher said), for the list of clients.</summary>
    public WatcherInfo Who { get; }

    /// <summary>The revision the watcher has seen everything up to (-1 before its first snapshot).</summary>
    public long Revision { get; private set; }

    /// <summary>The next events, at least one; waits until there is one.</summary>
    public async ValueTask<IReadOnlyList<ConfigEvent>> NextAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_started)
        {
            // Started only once the first answer is in hand: a failed snapshot is tried again.
            if (Revision < 0 || await AheadOfStoreAsync(cancellationToken))
            {
                var snapshot = await SnapshotAsync(cancellationToken);
                _started = true;
                return [snapshot];
            }

            _gray = Matched(await _store.GrayAtAsync(Namespace, Revision, cancellationToken));
            _started = true;
        }

        while (true)
        {
            var window = await _feed.WindowAsync(cancellationToken);
            if (!window.Covers(Revision))
            {
                // Older than the releases kept in memory: replay from the store, or, too far
                // behind, start over from a snapshot.
                var missed = await _store.ReleasesAfterAsync(Revision, Namespace, _options.ReplayLimit + 1, cancellationToken);
                if (missed.Count > _options.ReplayLimit)
                {
                    return [await SnapshotAsync(cancellationToken)];
                }

                var replayed = Events(missed);
                // The store's answer reached at least the window's head: nothing of this namespace
                // up to it is left unread.
                Revision = Math.Max(Math.Max(Revision, window.Head), missed.Count > 0 ? missed[^1].Revision : 0);
                if (replayed.Count > 0)
                {
                    return replayed;
                }

                continue;
            }

            var fresh = Events(window.After(Revision, Namespace));
            var passed = window.Head > Revision;
            Revision = Math.Max(Revision, window.Head);
            if (passed || fresh.Count > 0)
            {
                // Live hand-overs only (snapshots and replays are catching up, not propagation),
                // those that carried nothing for this watcher included: it has the release all the same.
                Delivered(fresh);
            }

            if (fresh.Count > 0)
            {
                return fresh;
            }

            await window.Replaced.WaitAsync(cancellationToken);
        }
    }

    // A watcher resuming from beyond the store's newest revision holds what this store never had
    // (the store was reset, or restored from an older backup): it starts over from a snapshot.
    private async ValueTask<bool> AheadOfStoreAsync(CancellationToken cancellationToken) =>
        Revision > (await _feed.WindowAsync(cancellationToken)).Head && Revision > await _store.RevisionAsync(cancellationToken);

    /// <summary>When this watcher was handed revision <paramref name="revision"/> or a later one (of its last 32 hand-overs), or null.</summary>
    public DateTimeOffset? DeliveredAt(long revision)
    {
        lock (_gate)
        {
            foreach (var (at, when) in _delivered)
            {
                if (at >= revision)
                {
                    return when;
                }
            }

            return null;
        }
    }

    private void Delivered(List<ConfigEvent> events)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _delivered.Enqueue((Revision, now));
            while (_delivered.Count > 32)
            {
                _delivered.Dequeue();
            }
        }

        foreach (var e in events)
        {
            if (e.Release is { } release && _telemetry is not null)
            {
                _telemetry.Propagated(now - release.Time);
            }
        }
    }

    private async ValueTask<ConfigEvent> SnapshotAsync(CancellationToken cancellationToken)
    {
        var snapshot = await _store.ReadAsync(Namespace, Prefix, cancellationToken);
        // A gray release this watcher is in, made at or before the snapshot, is laid over it; one
        // made after comes as an event.
        _gray = Matched(await _store.GrayAtAsync(Namespace, snapshot.Revision, cancellationToken));
        Revision = snapshot.Revision;
        var view = ConfigEvent.Of(snapshot);
        if (_gray is not { } gray)
        {
            return view;
        }

        _sawGray?.Invoke(this, gray);
        var keys = view.Changes.ToDictionary(c => c.Key, StringComparer.Ordinal);
        foreach (var change in gray.Changes.Where(c => Prefix is null || c.Key.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            if (change.Value is null)
            {
                keys.Remove(change.Key);
            }
            else
            {
                keys[change.Key] = change;
            }
        }

        return view with { Changes = [.. keys.Values.OrderBy(c => c.Key, StringComparer.Ordinal)] };
    }

    /// <summary>The gray release this watcher is in, or null.</summary>
    public ConfigRelease? Gray => _gray;

    private List<ConfigEvent> Events(IReadOnlyList<ConfigRelease> releases)
    {
        var events = new List<ConfigEvent>(releases.Count);
        foreach (var release in releases)
        {
            if (release.Revision <= Revision)
            {
                continue;
            }

            IReadOnlyList<KeyVersion> changes;
            switch (release.Kind)
            {
                case ReleaseKind.Gray:
                    if (Matched(release) is null)
                    {
                        continue;
                    }

                    _gray = release;
                    _sawGray?.Invoke(this, release);
                    changes = release.Changes;
                    break;
                case ReleaseKind.GrayEnd:
                    if (_gray is null)
                    {
                        continue; // never in it: nothing to take back
                    }

                    _gray = null;
                    changes = release.Changes;
                    break;
                case ReleaseKind.Promote:
                    _gray = null;
                    changes = release.Changes;
                    break;
                default:
                    // In a gray release, its keys keep the gray's values over the namespace's.
                    changes = _gray is { } gray
                        ? [.. release.Changes.Where(c => !gray.Changes.Any(g => g.Key == c.Key))]
                        : release.Changes;
                    break;
            }

            if (Prefix is not null)
            {
                changes = [.. changes.Where(c => c.Key.StartsWith(Prefix, StringComparison.Ordinal))];
            }

            if (changes.Count > 0)
            {
                events.Add(new ConfigEvent(release.Revision, release.Namespace, false, changes, release));
            }
        }

        return events;
    }

    private ConfigRelease? Matched(ConfigRelease? release) =>
        release is { Kind: ReleaseKind.Gray, Target: { } target } && target.Matches(Namespace, Who.Client, Who.Labels) ? release : null;

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _ended?.Invoke(this);
        }

        return ValueTask.CompletedTask;
    }
}
