using System.Net.Sockets;
using DistKit.Search.Engine;
using DistKit.Server.Settings;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;

namespace DistKit.Server.Search;

/// <summary>
/// The Elasticsearch-compatible API's own web server, started and stopped with the node. Its own
/// port keeps Elasticsearch's paths (<c>/{index}/_search</c>, <c>/_bulk</c>) apart from the node's
/// <c>/v1</c>, and lets a client that expects a cluster at one address find one there.
/// </summary>
internal sealed partial class SearchListener(NodeSettings settings, ISearchEngine engine, ILoggerFactory loggers, ILogger<SearchListener> logger, TimeProvider time) : IHostedService, IAsyncDisposable
{
    // Elasticsearch's http.max_content_length: bulk loads arrive in large requests.
    private const long MaxBodyBytes = 100L * 1024 * 1024;

    private WebApplication? _app;

    /// <summary>The addresses it listens on, ports chosen by the OS included; empty when it is off or not started.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var urls = SearchModule.UrlsOf(settings);
        if (urls.Count == 0)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls([.. urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
        });
        builder.Logging.ClearProviders();

        // The node's host owns SIGTERM and Ctrl+C and stops this server with itself.
        builder.Services.AddSingleton<IHostLifetime, OwnedLifetime>();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton(engine);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(settings);

        // Elasticsearch's clients compress request bodies (Content-Encoding: gzip), as Elasticsearch accepts.
        builder.Services.AddRequestDecompression();

        var app = builder.Build();
        app.UseMiddleware<ElasticMiddleware>(settings.Tokens);
        app.UseRequestDecompression();
        ElasticApi.Map(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            await app.DisposeAsync();
            throw new NodeStartupException($"cannot listen on {string.Join(", ", urls)} (setting {SearchModule.UrlsKey}, flag --search-urls): {DistKitNode.InnermostMessage(e)}", e);
        }

        _app = app;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Addresses = [.. addresses.Select(a => new Uri(a))];
        LogListening(logger, Addresses);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.DisposeAsync();
        }
    }

    private sealed class OwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Elasticsearch-compatible search API listening on {Addresses}")]
    private static partial void LogListening(ILogger logger, IReadOnlyList<Uri> addresses);
}
