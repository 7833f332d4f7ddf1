using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistKit.Configuration.Access;

/// <summary>
/// API tokens for the configuration center, kept in the store (so every node on it knows them) in a
/// namespace no API can name, as SHA-256 hashes of their secrets: the secret is shown once, at
/// creation. A secret is 32 random bytes, so a fast hash is enough; nothing to stretch.
/// </summary>
public sealed class ConfigTokens : IDisposable
{
    /// <summary>The reserved namespace the tokens live in (a leading <c>.</c> is refused in names users give).</summary>
    public const string Namespace = ".distkit/tokens";

    private const string SecretPrefix = "dkc_";

    // Tokens made or revoked through another node are seen within this long.
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(2);

    private readonly IConfigStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Loaded? _loaded;

    /// <summary>Keeps tokens in <paramref name="store"/>.</summary>
    public ConfigTokens(IConfigStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Makes a token; returns it and its secret, which is not kept and cannot be shown again.</summary>
    /// <exception cref="ConfigConflictException">A token with that name exists.</exception>
    public async Task<(ConfigToken Token, string Secret)> CreateAsync(string name, IReadOnlyList<ConfigGrant> grants, string author, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckKey(name);
        if (name.Length > 64)
        {
            throw new ArgumentException("a token's name is at most 64 characters", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(grants);
        if (grants.Count == 0)
        {
            throw new ArgumentException("a token needs at least one scope, such as read:shop/", nameof(grants));
        }

        var secret = SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = _time.GetUtcNow();
        var record = new StoredToken(Hash(secret), [.. grants.Select(g => g.ToString())], now.ToUnixTimeMilliseconds(), author);
        await _store.PublishAsync(new ReleaseRequest
        {
            Namespace = Namespace,
            Changes = [new ConfigChange(name, ConfigValueType.Json, JsonSerializer.Serialize(record, TokenJson.Default.StoredToken), ExpectedVersion: 0)],
            Author = author,
            Message = $"token {name} created",
            Time = now,
        }, cancellationToken);
        _loaded = null;
        return (new ConfigToken(name, grants, DateTimeOffset.FromUnixTimeMilliseconds(record.Created), author), secret);
    }

    /// <summary>Revokes the token named <paramref name="name"/>; false when there is none.</summary>
    public async Task<bool> RevokeAsync(string name, string author, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckKey(name);
        try
        {
            await _store.PublishAsync(new ReleaseRequest
            {
                Namespace = Namespace,
                Changes = [ConfigChange.Delete(name)],
                Author = author,
                Message = $"token {name} revoked",
                Time = _time.GetUtcNow(),
            }, cancellationToken);
            _loaded = null;
            return true;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Every token, by name.</summary>
    public async Task<IReadOnlyList<ConfigToken>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await LoadAsync(force: true, cancellationToken)).ByHash.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>The token whose secret is <paramref name="secret"/>, or null.</summary>
    public async ValueTask<ConfigToken?> FindAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var loaded = await LoadAsync(force: false, cancellationToken);
        return loaded.ByHash.GetValueOrDefault(Hash(secret));
    }

    private async ValueTask<Loaded> LoadAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && _loaded is { } current && _time.GetElapsedTime(current.At) < Fresh)
        {
            return current;
        }

        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (!force && _loaded is { } again && _time.GetElapsedTime(again.At) < Fresh)
            {
                return again;
            }

            var at = _time.GetTimestamp();
            var snapshot = await _store.ReadAsync(Namespace, null, cancellationToken);
            var byHash = new Dictionary<string, ConfigToken>(StringComparer.Ordinal);
            foreach (var entry in snapshot.Entries)
            {
                var stored = JsonSerializer.Deserialize(entry.Value, TokenJson.Default.StoredToken);
                if (stored is not null)
                {
                    byHash[stored.Hash] = new ConfigToken(entry.Key, [.. stored.Grants.Select(ConfigGrant.Parse)], DateTimeOffset.FromUnixTimeMilliseconds(stored.Created), stored.Author);
                }
            }

            var loaded = new Loaded(byHash, at);
            _loaded = loaded;
            return loaded;
        }
        finally
        {
            _reload.Release();
        }
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <inheritdoc />
    public void Dispose() => _reload.Dispose();

    private sealed record Loaded(Dictionary<string, ConfigToken> ByHash, long At);
}

/// <summary>A token as stored: the hash of its secret, never the secret.</summary>
internal sealed record StoredToken(string Hash, IReadOnlyList<string> Grants, long Created, string Author);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StoredToken))]
internal sealed partial class TokenJson : JsonSerializerContext;
