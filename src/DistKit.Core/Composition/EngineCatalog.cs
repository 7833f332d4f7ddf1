namespace DistKit.Core.Composition;

/// <summary>
/// The engines registered for each capability, and what each needs before it can serve: filled by
/// the engine packages' <c>Add&lt;Engine&gt;()</c> and read by each capability's start-up check, so
/// "locks on redis" without <c>AddRedis()</c> or without a Redis address stops the host at start.
/// </summary>
public sealed class EngineCatalog
{
    private readonly Lock _gate = new();
    // Engine names are matched exactly: the capabilities lower-case the names settings give, and
    // keyed services compare exactly too, so a check here can never pass a name DI then misses.
    private readonly Dictionary<string, Dictionary<string, Func<IServiceProvider, string?>?>> _served = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Records that <paramref name="engine"/> serves <paramref name="capability"/>.
    /// <paramref name="problem"/> returns why it cannot serve in this app (its connection is not
    /// configured, say), or null when it can.
    /// </summary>
    public void Add(string capability, string engine, Func<IServiceProvider, string?>? problem = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(capability);
        ArgumentException.ThrowIfNullOrWhiteSpace(engine);
        if (engine.Any(char.IsUpper))
        {
            throw new ArgumentException($"engine names are lower case, as settings are normalized to; got '{engine}'", nameof(engine));
        }
        lock (_gate)
        {
            if (!_served.TryGetValue(capability, out var engines))
            {
                engines = new Dictionary<string, Func<IServiceProvider, string?>?>(StringComparer.Ordinal);
                _served[capability] = engines;
            }

            engines[engine] = problem;
        }
    }

    /// <summary>Every engine registered for any capability, in name order.</summary>
    public IReadOnlyList<string> Engines
    {
        get
        {
            lock (_gate)
            {
                return [.. _served.Values.SelectMany(e => e.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The engines registered for <paramref name="capability"/>, in name order.</summary>
    public IReadOnlyList<string> EnginesFor(string capability)
    {
        lock (_gate)
        {
            return _served.TryGetValue(capability, out var engines) ? [.. engines.Keys.Order(StringComparer.Ordinal)] : [];
        }
    }

    /// <summary>Why <paramref name="engine"/> cannot serve <paramref name="capability"/> here, or null when it can.</summary>
    public string? ProblemWith(string capability, string engine, IServiceProvider services)
    {
        Func<IServiceProvider, string?>? problem;
        lock (_gate)
        {
            if (!_served.TryGetValue(capability, out var engines) || !engines.TryGetValue(engine, out problem))
            {
                var registered = EnginesFor(capability);
                return $"'{engine}' is not an engine registered for {capability}; registered: {(registered.Count == 0 ? "none" : string.Join(", ", registered))}"
                    + (engine == DistKitBuilder.Embedded ? "" : $" (add the DistKit.{Pascal(engine)} package and call Add{Pascal(engine)}())");
            }
        }

        return problem?.Invoke(services);
    }

    private static string Pascal(string engine) => engine.Length == 0 ? engine : char.ToUpperInvariant(engine[0]) + engine[1..];
}
