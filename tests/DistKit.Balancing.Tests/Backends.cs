using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DistKit.Balancing.Tests;

/// <summary>Real Kestrel servers on loopback ports, each answering <c>/who</c> with its name, or 503 while told to fail.</summary>
internal sealed class Backends : IAsyncDisposable
{
    private readonly List<Backend> _backends = [];

    public static async Task<Backends> StartAsync(int count, CancellationToken cancellationToken)
    {
        var backends = new Backends();
        for (var i = 0; i < count; i++)
        {
            backends._backends.Add(await Backend.StartAsync($"backend-{i}", cancellationToken));
        }

        return backends;
    }

    public Backend this[int index] => _backends[index];

    public IEnumerable<Backend> All => _backends;

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }
}

internal sealed class Backend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;
    private volatile bool _failing;
    private volatile bool _hanging;

    private Backend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public string Url { get; private set; } = "";

    public int Hits => Volatile.Read(ref _hits);

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    /// <summary>While set, requests are accepted and never answered (until the client gives up).</summary>
    public bool Hanging
    {
        get => _hanging;
        set => _hanging = value;
    }

    public static async Task<Backend> StartAsync(string name, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new Backend(app, name);
        app.MapMethods("/who", ["GET", "POST"], async (HttpContext context) =>
        {
            Interlocked.Increment(ref backend._hits);
            if (backend.Hanging)
            {
                // Never answers: the request ends only when the client gives up on it.
                var abandoned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (context.RequestAborted.Register(() => abandoned.TrySetResult()))
                {
                    await abandoned.Task;
                }

                return Results.Empty;
            }

            if (backend.Failing)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            return Results.Text(body.Length > 0 ? $"{name}:{body}" : name);
        });
        await app.StartAsync(cancellationToken);
        backend.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return backend;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
