using System.Net.Http.Headers;
using DistKit.Server.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DistKit.Server.Tests;

/// <summary>A real node on Kestrel, on a free loopback port, in the test process.</summary>
internal sealed class InProcessNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly bool _keepDataDir;

    private InProcessNode(WebApplication app, Uri address, string dataDir, bool keepDataDir)
    {
        _keepDataDir = keepDataDir;
        _app = app;
        Address = address;
        DataDir = dataDir;
        Http = new HttpClient { BaseAddress = address };
        var searchAddresses = app.Services.GetRequiredService<Search.SearchListener>().Addresses;
        SearchAddress = searchAddresses.Count > 0 ? searchAddresses[0] : null;
        Search = SearchAddress is null ? null : new HttpClient { BaseAddress = SearchAddress };
    }

    /// <summary>The Elasticsearch-compatible API's address; null when its listener is off.</summary>
    public Uri? SearchAddress { get; }

    /// <summary>A client of the Elasticsearch-compatible API; null when its listener is off.</summary>
    public HttpClient? Search { get; }

    public Uri Address { get; }

    public string DataDir { get; }

    public HttpClient Http { get; }

    /// <summary>Starts a node; <paramref name="extraRoutes"/> lets a test add an endpoint that misbehaves on purpose.</summary>
    public static async Task<InProcessNode> StartAsync(NodeSettings? settings = null, Action<WebApplication>? extraRoutes = null, bool keepDataDir = false)
    {
        var dataDir = settings is not null && settings.DataDir != NodeSettings.Default.DataDir
            ? settings.DataDir
            : Path.Combine(Path.GetTempPath(), "distkit-server-tests", Guid.NewGuid().ToString("N"));
        settings = (settings ?? NodeSettings.Default) with { Urls = "http://127.0.0.1:0", DataDir = dataDir, LogLevel = "warning" };
        if (settings.Setting("Search:Urls") is null)
        {
            settings = settings.With("Search:Urls", "http://127.0.0.1:0");
        }

        var app = DistKitNode.Build(settings);
        extraRoutes?.Invoke(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = DistKitNode.AddressOf(app);
        return new InProcessNode(app, address, dataDir, keepDataDir);
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Search?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!_keepDataDir)
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }
}
