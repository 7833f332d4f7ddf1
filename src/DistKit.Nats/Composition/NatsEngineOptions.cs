namespace DistKit.Nats.Composition;

/// <summary>Where DistKit finds NATS: <c>DistKit:Engines:Nats</c>.</summary>
/// <remarks>The URL may hold a user and password: DistKit never logs it.</remarks>
public sealed class NatsEngineOptions
{
    /// <summary>
    /// A NATS URL (<c>nats://localhost:4222</c>, several separated by commas, credentials as
    /// <c>nats://user:password@host:4222</c>). Key: <c>DistKit:Engines:Nats</c>. Default: none, and
    /// then an <c>INatsConnection</c> the app registered is used.
    /// </summary>
    public string? Url { get; set; }
}
