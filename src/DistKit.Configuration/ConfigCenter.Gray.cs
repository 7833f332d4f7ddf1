using System.Collections.Concurrent;
using DistKit.Configuration.Watching;

namespace DistKit.Configuration;

// Gray releases: values for the clients a target matches first, then promoted to all or abandoned.
public sealed partial class ConfigCenter
{
    // The clients each recent gray release reached through this process: the audit of who saw it.
    private const int GraysRemembered = 64;
    private readonly ConcurrentDictionary<(string Ns, long Revision), ConcurrentDictionary<string, GraySighting>> _graySeen = new();

    /// <inheritdoc />
    public IReadOnlyList<GraySighting> GraySeen(string ns, long revision) =>
        _graySeen.TryGetValue((ns, revision), out var seen) ? [.. seen.Values.OrderBy(s => s.At)] : [];

    private void SawGray(ConfigWatch watch, ConfigRelease gray)
    {
        var seen = _graySeen.GetOrAdd((gray.Namespace, gray.Revision), _ => new ConcurrentDictionary<string, GraySighting>(StringComparer.Ordinal));
        seen.TryAdd(watch.Who.Client.Length > 0 ? watch.Who.Client : $"{watch.Who.Host}#{watch.GetHashCode()}", new GraySighting(watch.Who, _time.GetUtcNow()));
        while (_graySeen.Count > GraysRemembered)
        {
            _graySeen.TryRemove(_graySeen.Keys.MinBy(k => k.Revision), out _);
        }
    }

    /// <inheritdoc />
    public async ValueTask<ConfigRelease> StartGrayAsync(string ns, IReadOnlyList<ConfigChange> changes, GrayTarget target, string author, string? message = null, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckNamespace(ns);
        CheckChanges(changes);
        ArgumentNullException.ThrowIfNull(target);
        target.Validate();
        if (changes.Any(c => c.ExpectedVersion is not null))
        {
            throw new ArgumentException("a gray release does not write keys, so it takes no expected versions", nameof(changes));
        }

        if (await GrayAsync(ns, cancellationToken) is { } active)
        {
            throw new InvalidOperationException($"namespace '{ns}' has a gray release already (revision {active.Revision}); promote or abandon it first");
        }

        // Checked as the matching clients will hold it: the namespace with the gray's values on top.
        return await PublishCheckedAsync(new ReleaseRequest
        {
            Namespace = ns,
            Changes = [.. changes.OrderBy(c => c.Key, StringComparer.Ordinal)],
            Author = CheckAuthor(author),
            Message = CheckMessage(message),
            Kind = ReleaseKind.Gray,
            Target = target,
            Time = _time.GetUtcNow(),
        }, known: null, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ConfigRelease> PromoteGrayAsync(string ns, string author, string? message = null, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckNamespace(ns);
        var gray = await GrayAsync(ns, cancellationToken) ?? throw new InvalidOperationException($"namespace '{ns}' has no gray release to promote");
        var live = (await _store.ReadAsync(ns, null, cancellationToken)).Entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        return await PublishCheckedAsync(new ReleaseRequest
        {
            Namespace = ns,
            // A gray delete of a key the namespace no longer has is already true for everyone.
            Changes = [.. gray.Changes.Where(c => c.Value is not null || live.Contains(c.Key)).Select(c => new ConfigChange(c.Key, c.Type, c.Value))],
            Author = CheckAuthor(author),
            Message = CheckMessage(message ?? $"promote gray release {gray.Revision}"),
            Kind = ReleaseKind.Promote,
            Time = _time.GetUtcNow(),
        }, known: null, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ConfigRelease> AbandonGrayAsync(string ns, string author, string? message = null, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckNamespace(ns);
        var gray = await GrayAsync(ns, cancellationToken) ?? throw new InvalidOperationException($"namespace '{ns}' has no gray release to abandon");
        for (var round = 1; ; round++)
        {
            var now = await _store.ReadAsync(ns, null, cancellationToken);
            var main = now.Entries.ToDictionary(e => e.Key, StringComparer.Ordinal);
            // The clients that had the gray get the namespace's own values of its keys back, as
            // of a revision no release has passed by the time the end is recorded.
            var back = gray.Changes
                .Select(c => main.TryGetValue(c.Key, out var entry) ? new ConfigChange(c.Key, entry.Type, entry.Value) : ConfigChange.Delete(c.Key))
                .ToList();
            try
            {
                return Published(await _store.PublishAsync(new ReleaseRequest
                {
                    Namespace = ns,
                    Changes = back,
                    Author = CheckAuthor(author),
                    Message = CheckMessage(message ?? $"abandon gray release {gray.Revision}"),
                    Kind = ReleaseKind.GrayEnd,
                    BasedOn = now.Revision,
                    Time = _time.GetUtcNow(),
                }, cancellationToken));
            }
            catch (ConfigConflictException) when (round < NamespaceCheckRounds)
            {
                // A release of the namespace landed between the read and the end: read again.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<ConfigRelease?> GrayAsync(string ns, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckNamespace(ns);
        var latest = await _store.GrayAtAsync(ns, long.MaxValue, cancellationToken);
        return latest is { Kind: ReleaseKind.Gray } ? latest : null;
    }
}
