namespace DistKit.Redis.Composition;

/// <summary>Where DistKit finds Redis: <c>DistKit:Engines:Redis</c> and <c>DistKit:Engines:Redlock</c>.</summary>
/// <remarks>These values may hold passwords: DistKit never logs them.</remarks>
public sealed class RedisEngineOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string (<c>host:6379,password=…</c>). Key:
    /// <c>DistKit:Engines:Redis</c>. Default: none, and then an <c>IConnectionMultiplexer</c> the app
    /// registered is used.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// The configuration strings of independent Redis instances for Redlock, separated by <c>;</c>
    /// (<c>redis-a:6379;redis-b:6379;redis-c:6379</c>). Key: <c>DistKit:Engines:Redlock</c>. Default: none.
    /// </summary>
    public string? Redlock { get; set; }

    /// <summary>The Redlock instances' configuration strings, in order.</summary>
    public IReadOnlyList<string> RedlockInstances =>
        Redlock?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
