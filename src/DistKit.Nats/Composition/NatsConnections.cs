using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace DistKit.Nats.Composition;

/// <summary>
/// The NATS connection of one app: the app's own <see cref="INatsConnection"/> if it registered one
/// (never disposed here), else one made from <c>DistKit:Engines:Nats</c>. The client connects on
/// first use and reconnects by itself after an outage.
/// </summary>
public sealed class NatsConnections : IAsyncDisposable
{
    private readonly NatsConnection? _owned;

    /// <summary>Takes the app's connection, or makes one from the options; connects nothing yet.</summary>
    public NatsConnections(IServiceProvider services, IOptions<NatsEngineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (services.GetService<INatsConnection>() is { } appOwned)
        {
            Connection = appOwned;
            return;
        }

        var url = options.Value.Url ?? throw new InvalidOperationException("no NATS connection is configured (DistKit:Engines:Nats)");
        _owned = new NatsConnection(NatsOpts.Default with
        {
            Url = url,
            Name = "distkit",

            // Jobs come due while NATS is briefly away: try the first connect again too, rather
            // than failing every delivery until something else reconnects.
            RetryOnInitialConnect = true,
        });
        Connection = _owned;
    }

    /// <summary>The shared connection.</summary>
    public INatsConnection Connection { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
