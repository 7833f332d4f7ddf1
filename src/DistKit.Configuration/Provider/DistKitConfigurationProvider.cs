using DistKit.Configuration.Diagnostics;
using DistKit.Configuration.Http;
using DistKit.Configuration.Internal;
using DistKit.Configuration.Values;
using DistKit.Configuration.Watching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistKit.Configuration.Provider;

/// <summary>
/// A .NET configuration provider for one namespace on a DistKit node: loads it at start, applies
/// each release as it is published (one reload, so one change notification, per release), keeps a
/// disk copy, and starts from that copy while the node is unreachable.
/// </summary>
/// <remarks>
/// Each release replaces the provider's data in one assignment, so a reader sees the namespace
/// before or after it. .NET's configuration reads a bound section key by key, though: a bind running
/// at the very moment a release lands can mix the two, which the reload that follows corrects for
/// <c>IOptionsMonitor</c>; an <c>IOptionsSnapshot</c> keeps, for its request, what it bound.
/// </remarks>
public sealed class DistKitConfigurationProvider : ConfigurationProvider, IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);

    private readonly DistKitConfigurationOptions _options;
    private readonly HttpClient _http;
    private readonly ConfigNodeClient _client;
    private readonly DiskCopy? _disk;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly SchemaChecks _checks = new();
    private readonly Dictionary<string, CachedEntry> _state = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string> _schemas = new Dictionary<string, string>();
    private long? _nodeRevision;
    private Task? _watching;

    /// <summary>Creates the provider; <see cref="Load"/> (called by the configuration builder) does the first load.</summary>
    public DistKitConfigurationProvider(DistKitConfigurationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check();
        _options = options;
        _http = new HttpClient(options.Handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: options.Handler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _client = new ConfigNodeClient(_http, options.Node, options.Token);
        _disk = options.CacheDirectory is { } directory ? new DiskCopy(directory, options.Namespace, options.Prefix) : null;
        _logger = options.Logger ?? NullLogger.Instance;
    }

    /// <summary>The revision of the configuration applied now (-1 before any).</summary>
    public long Revision { get; private set; } = -1;

    /// <summary>Where the configuration applied now came from: <c>node</c>, <c>disk</c>, or <c>none</c>.</summary>
    public string Source { get; private set; } = "none";

    /// <summary>How many releases this provider has applied (each raised one change notification).</summary>
    public int Applied { get; private set; }

    /// <summary>Loads the namespace the first time; later calls (a <c>Reload()</c> of the whole configuration) keep what is applied.</summary>
    /// <exception cref="InvalidOperationException">The node is unreachable, there is no usable disk copy and the namespace is not <see cref="DistKitConfigurationOptions.Optional"/>.</exception>
    public override void Load()
    {
        if (_watching is not null)
        {
            return;
        }

        // Configuration builders load synchronously; the wait is bounded by StartupTimeout.
        Task.Run(FirstLoadAsync).GetAwaiter().GetResult();
        _watching = Task.Run(WatchAsync, CancellationToken.None);
    }

    private async Task FirstLoadAsync()
    {
        using var timeout = new CancellationTokenSource(_options.StartupTimeout, _options.Time);
        try
        {
            var snapshot = await _client.ReadAsync(_options.Namespace, _options.Prefix, timeout.Token);
            _schemas = (await _client.SchemasAsync(_options.Namespace, timeout.Token)).Schemas.ToDictionary(s => s.Key, s => s.Value.GetRawText(), StringComparer.Ordinal);
            _state.Clear();
            foreach (var entry in snapshot.Entries)
            {
                _state[entry.Key] = new CachedEntry(entry.Key, ConfigViews.ToEntry(entry).Type, entry.Value, entry.Version);
            }

            _nodeRevision = snapshot.Revision;
            if (TryApply(snapshot.Revision, "node", reload: false))
            {
                return;
            }
        }
        catch (Exception e) when (e is ConfigNodeException or OperationCanceledException or HttpRequestException or System.Text.Json.JsonException or FormatException or IOException)
        {
            // Whatever kept the node's answer from us (down, an error, an answer this build cannot
            // read), the disk copy is what the app starts from.
            ConfigLog.ProviderUnreachable(_logger, _options.Node.ToString(), _options.Namespace, _disk is null ? "nothing (no disk copy configured)" : _disk.Path, e is OperationCanceledException ? $"no answer in {_options.StartupTimeout.TotalSeconds:0.#} s" : e.Message);
        }

        if (_disk?.Read() is { } read)
        {
            if (read.State is { } cached)
            {
                _schemas = cached.Schemas;
                _state.Clear();
                foreach (var entry in cached.Entries)
                {
                    _state[entry.Key] = entry;
                }

                _nodeRevision = cached.Revision;
                if (TryApply(cached.Revision, "disk", reload: false, writeCopy: false))
                {
                    return;
                }
            }
            else if (read.Problem is { } problem)
            {
                ConfigLog.CacheIgnored(_logger, _disk.Path, problem);
            }
        }

        _nodeRevision = null;
        _state.Clear();
        if (!_options.Optional)
        {
            throw new InvalidOperationException(
                $"configuration namespace '{_options.Namespace}': node {_options.Node} is unreachable and there is no usable disk copy{(_disk is null ? "" : " at " + _disk.Path)}; set Optional to start without it");
        }
    }

    private async Task WatchAsync()
    {
        var token = _stop.Token;
        var retry = FirstRetry;
        var who = new WatcherInfo(_options.ClientId, Environment.MachineName, new Dictionary<string, string>(_options.Labels), _options.Time.GetUtcNow());
        var told = false;
        while (!token.IsCancellationRequested)
        {
            try
            {
                _schemas = (await _client.SchemasAsync(_options.Namespace, token)).Schemas.ToDictionary(s => s.Key, s => s.Value.GetRawText(), StringComparer.Ordinal);
                await foreach (var e in _client.WatchAsync(_options.Namespace, _options.Prefix, _nodeRevision, who, token))
                {
                    Take(e);
                    TryApply(e.Revision, "node", reload: true);
                    retry = FirstRetry;
                    told = false;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                // Any failure (the node gone, an error answer, an event this build cannot read)
                // means reconnect and resume: a watch that ended here would freeze the app's
                // configuration with nothing to say so.
                if (!told)
                {
                    ConfigLog.ProviderUnreachable(_logger, _options.Node.ToString(), _options.Namespace, $"revision {Revision} ({Source})", e.Message);
                    told = true;
                }
            }

            try
            {
                // Jittered, so a fleet whose node restarted does not reconnect in one wave.
                await Task.Delay(retry * (0.5 + Random.Shared.NextDouble() / 2), _options.Time, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
        }
    }

    private void Take(ConfigEvent e)
    {
        if (e.IsSnapshot)
        {
            _state.Clear();
        }

        foreach (var change in e.Changes)
        {
            if (change.Value is null)
            {
                _state.Remove(change.Key);
            }
            else
            {
                _state[change.Key] = new CachedEntry(change.Key, change.Type, change.Value, change.Version);
            }
        }

        _nodeRevision = e.Revision;
    }

    // Checks the namespace as it now is; applies it (one reload) only when it passes.
    private bool TryApply(long revision, string source, bool reload, bool writeCopy = true)
    {
        Dictionary<string, string?> data;
        try
        {
            if (_options.Validate)
            {
                Check();
            }

            data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in _state.Values.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                foreach (var (key, value) in ConfigValues.Flatten(entry.Key, entry.Type, entry.Value))
                {
                    data[key] = value;
                }
            }
        }
        catch (ConfigValidationException e)
        {
            ConfigLog.ProviderRefused(_logger, revision, _options.Namespace, e.Message);
            return false;
        }

        // Where it came from is set before the data, so a reader that sees the data sees its source.
        Revision = revision;
        Source = source;
        Data = data;
        ConfigLog.ProviderLoaded(_logger, _options.Namespace, revision, source);
        if (reload)
        {
            // The app hears of the release first; the disk copy follows.
            Applied++;
            OnReload();
        }

        if (writeCopy && _disk is not null)
        {
            try
            {
                _disk.Write(new CachedNamespace(_options.Namespace, _options.Prefix, revision, [.. _state.Values.OrderBy(e => e.Key, StringComparer.Ordinal)], _schemas));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ConfigLog.CacheWriteFailed(_logger, _disk.Path, e.Message);
            }
        }

        return true;
    }

    // The same checks the center made before publishing, with the schemas built once, not per release.
    private void Check()
    {
        foreach (var entry in _state.Values)
        {
            _checks.CheckValue(entry.Key, entry.Type, entry.Value, _schemas);
        }

        _checks.CheckNamespace(_schemas, _state.Values.Select(e => new ConfigEntry(_options.Namespace, e.Key, e.Type, e.Value, e.Version, 0, "", default)), []);
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _watching?.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        _stop.Dispose();
        _http.Dispose();
    }
}
