using DistKit.Core.Composition;
using DistKit.Nats.Composition;
using DistKit.Nats.Jobs;
using DistKit.Scheduling.Jobs;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers NATS: <c>services.AddDistKit(configuration).AddNats()</c>.</summary>
public static class NatsServiceCollectionExtensions
{
    /// <summary>The engine's name in settings.</summary>
    public const string Nats = "nats";

    /// <summary>
    /// Registers NATS for what it serves: delivery of jobs whose target is a NATS subject, to
    /// JetStream with the stream's acknowledgement. The connection is an <see cref="INatsConnection"/>
    /// the app registered, else one made from <c>DistKit:Engines:Nats</c>; the check at start fails
    /// when there is neither.
    /// </summary>
    public static DistKitBuilder AddNats(this DistKitBuilder builder, Action<NatsEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = builder.Services.AddOptions<NatsEngineOptions>().Configure(nats =>
        {
            var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(NatsEngineOptions));
            nats.Url = settings.Text("Engines:Nats") ?? nats.Url;
        });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.AddSingleton<IValidateOptions<NatsEngineOptions>>(services => new NatsOptionsValidation(builder, services));
        options.ValidateOnStart();
        builder.Services.AddSingleton<NatsConnections>();
        builder.Services.AddSingleton<IJobDelivery>(services => new NatsJobDelivery(services.GetRequiredService<NatsConnections>().Connection, services.GetService<TimeProvider>()));
        return builder;
    }

    private sealed class NatsOptionsValidation(DistKitBuilder builder, IServiceProvider services) : IValidateOptions<NatsEngineOptions>
    {
        public ValidateOptionsResult Validate(string? name, NatsEngineOptions options)
        {
            if (options.Url is null)
            {
                return services.GetService<INatsConnection>() is null
                    ? ValidateOptionsResult.Fail($"{builder.PathOf("Engines:Nats")}: not set (a NATS URL such as nats://localhost:4222), and the app registered no INatsConnection")
                    : ValidateOptionsResult.Success;
            }

            foreach (var one in options.Url.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(one, UriKind.Absolute, out var url) || url.Scheme is not ("nats" or "tls" or "ws" or "wss") || url.Host.Length == 0)
                {
                    // The URL is not echoed: it may carry a password.
                    return ValidateOptionsResult.Fail($"{builder.PathOf("Engines:Nats")}: not a NATS URL (nats://host:4222, several separated by commas)");
                }
            }

            return ValidateOptionsResult.Success;
        }
    }
}
