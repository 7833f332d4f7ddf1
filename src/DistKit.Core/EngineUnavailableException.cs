namespace DistKit.Core;

/// <summary>
/// An engine (Redis, etcd, PostgreSQL, …) did not answer: down, restarting, unreachable or timing
/// out. Always transient: the same call may succeed once the engine is back, and DistKit's own
/// state (leases, queues) needs no repair when it is.
/// </summary>
/// <remarks>
/// Engine adapters throw this at their boundary instead of their client library's exceptions, so
/// callers handle an outage the same way whichever engine is configured. The client's exception
/// is the <see cref="Exception.InnerException"/>.
/// </remarks>
public sealed class EngineUnavailableException : DistKitException
{
    /// <summary>Creates the exception for <paramref name="engine"/>, caused by <paramref name="innerException"/>.</summary>
    public EngineUnavailableException(string engine, Exception? innerException)
        : base($"{engine} is unavailable: {Gist(innerException?.Message)}", innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(engine);
        Engine = engine;
        IsTransient = true;
    }

    /// <summary>The engine's name (<c>redis</c>, <c>etcd</c>, <c>postgres</c>, …).</summary>
    public string Engine { get; }

    // Client messages can run to a screenful of diagnostics (StackExchange.Redis's do); the first
    // clause says what happened, and the whole text stays on the inner exception for the log.
    private static string Gist(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return "no answer";
        }

        var end = message.IndexOfAny(['\n', '\r']);
        var line = end < 0 ? message : message[..end];
        var clause = line.IndexOf(" - ", StringComparison.Ordinal);
        line = clause > 0 ? line[..clause] : line;
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
