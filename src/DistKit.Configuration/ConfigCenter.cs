using System.Collections.Concurrent;
using DistKit.Configuration.Diagnostics;
using DistKit.Configuration.Internal;
using DistKit.Configuration.Watching;

namespace DistKit.Configuration;

/// <summary>
/// The configuration center on one store: checks each change before the store sees it, publishes
/// releases, rolls back by publishing old values again, and serves watches from one feed of the
/// store's releases per process.
/// </summary>
public sealed partial class ConfigCenter : IConfigCenter, IAsyncDisposable
{
    // A namespace schema is checked against the namespace as read; a release made meanwhile by
    // another writer sends the check round again, a few times before the conflict goes to the caller.
    private const int NamespaceCheckRounds = 5;

    private readonly IConfigStore _store;
    private readonly ConfigOptions _options;
    private readonly TimeProvider _time;
    private readonly ConfigTelemetry _telemetry;
    private readonly ConfigValidator _validator;
    private readonly ReleaseFeed _feed;
    private readonly ConcurrentDictionary<ConfigWatch, byte> _watches = new();

    /// <summary>Creates the center on <paramref name="store"/>.</summary>
    public ConfigCenter(IConfigStore store, ConfigOptions? options = null, TimeProvider? time = null, ConfigTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = (options ?? new ConfigOptions()).Validate();
        _time = time ?? TimeProvider.System;
        _telemetry = telemetry ?? new ConfigTelemetry();
        _validator = new ConfigValidator(store, _options);
        _feed = new ReleaseFeed(store, _options, _time, _telemetry);
    }

    /// <inheritdoc />
    public string Engine => _store.Engine;

    /// <inheritdoc />
    public IReadOnlyList<ConfigWatch> Watches => [.. _watches.Keys];

    /// <inheritdoc />
    public async ValueTask<ConfigRelease> PublishAsync(string ns, IReadOnlyList<ConfigChange> changes, string author, string? message = null, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckNamespace(ns);
        CheckChanges(changes);
        return await PublishCheckedAsync(new ReleaseRequest
        {
            Namespace = ns,
            Changes = [.. changes.OrderBy(c => c.Key, StringComparer.Ordinal)],
            Author = CheckAuthor(author),
            Message = CheckMessage(message),
            Time = _time.GetUtcNow(),
        }, known: null, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ConfigDraft> StageAsync(string ns, ConfigChange change, string author, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckNamespace(ns);
        ArgumentNullException.ThrowIfNull(change);
        CheckChanges([change]);
        try
        {
            _validator.CheckValue(change, await _store.SchemasAsync(ns, cancellationToken));
        }
        catch (ConfigValidationException)
        {
            _telemetry.Rejected("invalid");
            throw;
        }

        return await _store.StageAsync(ns, change, CheckAuthor(author), _time.GetUtcNow(), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConfigDraft>> DraftsAsync(string ns, CancellationToken cancellationToken = default) =>
        _store.DraftsAsync(ConfigNames.CheckNamespace(ns), cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> DiscardDraftsAsync(string ns, string? key = null, CancellationToken cancellationToken = default) =>
        _store.DiscardDraftsAsync(ConfigNames.CheckNamespace(ns), key is null ? null : ConfigNames.CheckKey(key), cancellationToken);

    /// <inheritdoc />
    public async ValueTask<ConfigRelease> PublishDraftsAsync(string ns, string author, string? message = null, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckNamespace(ns);
        var drafts = await _store.DraftsAsync(ns, cancellationToken);
        if (drafts.Count == 0)
        {
            throw new InvalidOperationException($"namespace '{ns}' has no drafts to publish");
        }

        return await PublishCheckedAsync(new ReleaseRequest
        {
            Namespace = ns,
            Changes = [.. drafts.Select(d => d.Change).OrderBy(c => c.Key, StringComparer.Ordinal)],
            Author = CheckAuthor(author),
            Message = CheckMessage(message),
            ConsumesDraftsUpTo = drafts.Max(d => d.Sequence),
            Time = _time.GetUtcNow(),
        }, known: null, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ConfigRelease> RollbackKeyAsync(string ns, string key, long version, string author, string? message = null, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckNamespace(ns);
        ConfigNames.CheckKey(key);
        var target = await _store.VersionAsync(ns, key, version, cancellationToken)
            ?? throw new KeyNotFoundException($"key '{key}' in '{ns}' has no version {version}");
        var current = await _store.VersionOfAsync(ns, key, cancellationToken);
        if (target.Version == current)
        {
            throw new InvalidOperationException($"key '{key}' is at version {version} already");
        }

        if (target.Value is null && await _store.GetAsync(ns, key, cancellationToken) is null)
        {
            throw new InvalidOperationException($"key '{key}' is deleted already, as at version {version}");
        }

        var change = target.Value is null
            ? ConfigChange.Delete(key, current)
            : new ConfigChange(key, target.Type, target.Value, current);
        return await PublishCheckedAsync(new ReleaseRequest
        {
            Namespace = ns,
            Changes = [change],
            Author = CheckAuthor(author),
            Message = CheckMessage(message ?? $"rollback {key} to version {version}"),
            Kind = ReleaseKind.Rollback,
            Time = _time.GetUtcNow(),
        }, known: null, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ConfigRelease> RollbackNamespaceAsync(string ns, long revision, string author, string? message = null, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckNamespace(ns);
        ArgumentOutOfRangeException.ThrowIfNegative(revision);
        var now = await _store.ReadAsync(ns, null, cancellationToken);
        if (revision > now.Revision)
        {
            throw new ArgumentOutOfRangeException(nameof(revision), revision, $"the store is at revision {now.Revision}; {revision} has not happened");
        }

        var then = (await _store.StateAtAsync(ns, revision, cancellationToken)).ToDictionary(v => v.Key, StringComparer.Ordinal);
        var changes = new List<ConfigChange>();
        foreach (var entry in now.Entries)
        {
            if (!then.TryGetValue(entry.Key, out var old) || old.Value is null)
            {
                changes.Add(ConfigChange.Delete(entry.Key, entry.Version));
            }
            else if (old.Version != entry.Version && (old.Type != entry.Type || old.Value != entry.Value))
            {
                changes.Add(new ConfigChange(entry.Key, old.Type, old.Value, entry.Version));
            }
        }

        var live = now.Entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        // Keys deleted since: BasedOn below guarantees nothing changed them after the read.
        changes.AddRange(then.Values.Where(v => v.Value is not null && !live.Contains(v.Key)).Select(v => new ConfigChange(v.Key, v.Type, v.Value)));
        if (changes.Count == 0)
        {
            throw new InvalidOperationException($"namespace '{ns}' is as it was at revision {revision} already");
        }

        return await PublishCheckedAsync(new ReleaseRequest
        {
            Namespace = ns,
            Changes = [.. changes.OrderBy(c => c.Key, StringComparer.Ordinal)],
            Author = CheckAuthor(author),
            Message = CheckMessage(message ?? $"rollback {ns} to revision {revision}"),
            Kind = ReleaseKind.Rollback,
            BasedOn = now.Revision,
            Time = _time.GetUtcNow(),
        }, known: now, cancellationToken);
    }

    private async ValueTask<ConfigRelease> PublishCheckedAsync(ReleaseRequest request, ConfigSnapshot? known, CancellationToken cancellationToken)
    {
        using var activity = ConfigTelemetry.Source.StartActivity("config publish");
        activity?.SetTag("distkit.config.namespace", request.Namespace);
        for (var round = 1; ; round++)
        {
            long? checkedAt;
            try
            {
                checkedAt = await _validator.CheckAsync(request.Namespace, request.Changes, known, cancellationToken);
            }
            catch (ConfigValidationException)
            {
                _telemetry.Rejected("invalid");
                throw;
            }

            try
            {
                var basedOn = (request.BasedOn, checkedAt) switch
                {
                    ({ } a, { } b) => Math.Min(a, b),
                    _ => request.BasedOn ?? checkedAt,
                };
                return Published(await _store.PublishAsync(request with { BasedOn = basedOn }, cancellationToken));
            }
            catch (ConfigConflictException e) when (e.Key is null && request.BasedOn is null && checkedAt is not null && round < NamespaceCheckRounds)
            {
                // Only the namespace check's own read went stale: read and check again.
                known = null;
            }
            catch (ConfigConflictException)
            {
                _telemetry.Rejected("conflict");
                throw;
            }
        }
    }

    // What follows every release this process makes: counted, logged, and handed to its watchers.
    private ConfigRelease Published(ConfigRelease release)
    {
        _telemetry.Released(release.Kind);
        ConfigLog.Published(_telemetry.Logger, release.Revision, release.Namespace, release.Kind, release.Changes.Count, release.Author);
        _feed.Offer(release);
        return release;
    }

    private static void CheckChanges(IReadOnlyList<ConfigChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            throw new ArgumentException("a release needs at least one change", nameof(changes));
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            ArgumentNullException.ThrowIfNull(change, nameof(changes));
            ConfigNames.CheckKey(change.Key);
            if (!keys.Add(change.Key))
            {
                throw new ArgumentException($"key '{change.Key}' appears twice in one release", nameof(changes));
            }

            if (change.ExpectedVersion is < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(changes), change.ExpectedVersion, "an expected version is 0 (must not exist) or more");
            }
        }
    }

    private static string CheckAuthor(string author)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(author);
        return author.Length <= 128 ? author.Trim() : throw new ArgumentException("the author is at most 128 characters", nameof(author));
    }

    private static string CheckMessage(string? message) =>
        message is null ? "" : message.Length <= 1024 ? message : throw new ArgumentException("the message is at most 1024 characters", nameof(message));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _feed.DisposeAsync();
}
