using System.Net.Sockets;
using DistKit.Server.Endpoints;
using DistKit.Server.Composition;
using DistKit.Server.Http;
using DistKit.Server.Settings;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;

namespace DistKit.Server;

/// <summary>
/// Builds and runs a node from validated <see cref="NodeSettings"/>. The CLI's <c>distkit serve</c>
/// calls <see cref="RunAsync"/>; tests and embedding hosts may call <see cref="Build"/>.
/// </summary>
public static class DistKitNode
{
    /// <summary>Builds the node's web application without starting it.</summary>
    /// <exception cref="NodeStartupException">The data directory cannot be created.</exception>
    public static WebApplication Build(NodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dataDir = PrepareDataDir(settings.DataDir);

        // The slim builder reads no appsettings.json and no ASPNETCORE_URLS: the node's settings
        // come only from NodeSettingsLoader, so there is one documented order of precedence.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = dataDir });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls([.. settings.UrlList]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Host.ConfigureHostOptions(host => host.ShutdownTimeout = TimeSpan.FromSeconds(15));

        NodeLogging.Configure(builder.Logging, settings);
        builder.Services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        });

        // Binding failures become exceptions so the error middleware can explain them, instead of bare 400s.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddSingleton(settings);
        var distKit = NodeComposition.AddDistKit(builder.Services, settings);
        foreach (var module in NodeModules.All)
        {
            module.AddServices(distKit);
        }

        var app = builder.Build();
        app.UseMiddleware<ApiErrorMiddleware>();
        app.UseMiddleware<TokenAuthenticationMiddleware>(settings.Tokens);
        NodeEndpoints.Map(app, settings, dataDir);
        foreach (var module in NodeModules.All)
        {
            module.MapRoutes(app);
        }

        return app;
    }

    /// <summary>Runs the node until <paramref name="cancellationToken"/> fires, SIGTERM or Ctrl+C.</summary>
    /// <exception cref="NodeStartupException">The node could not start; the message is one line.</exception>
    public static async Task RunAsync(NodeSettings settings, CancellationToken cancellationToken = default)
    {
        await using var app = Build(settings);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            // Kestrel reports a port in use or an address this host does not have as IOException.
            throw new NodeStartupException($"cannot listen on {settings.Urls}: {InnermostMessage(e)}", e);
        }
        catch (SocketException e)
        {
            throw new NodeStartupException($"cannot listen on {settings.Urls}: {e.Message}", e);
        }

        await app.WaitForShutdownAsync(cancellationToken);
    }

    /// <summary>The address a started node listens on; with port 0 in the settings, the port the OS gave it.</summary>
    public static Uri AddressOf(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>();
        return new Uri(addresses?.Addresses.FirstOrDefault() ?? throw new InvalidOperationException("the node has not started listening"));
    }

    private static string PrepareDataDir(string configured)
    {
        var full = Path.GetFullPath(configured);
        try
        {
            Directory.CreateDirectory(full);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NodeStartupException($"setting 'dataDir': cannot create '{full}': {e.Message}", e);
        }
    }

    /// <summary>The message of the exception at the bottom of <paramref name="e"/>'s chain: what a one-line start-up error shows.</summary>
    internal static string InnermostMessage(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }
}
